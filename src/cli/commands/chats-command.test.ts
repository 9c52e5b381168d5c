import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { captureIo } from '../../../test/support/capture-io.js';
import { EngineError } from '../../core/index.js';
import { chatsCommand, parseSeedList } from './chats-command.js';
import { simulateCommand } from './simulate-command.js';

/** Runs `prevail …` in-process the way `runCli` does (commander usage errors exit 2). */
async function run(...args: string[]) {
  const io = captureIo();
  let status = 0;
  const program = new Command('prevail')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  const setExitCode = (code: number) => {
    status = code;
  };
  program.addCommand(simulateCommand(io, setExitCode));
  program.addCommand(chatsCommand(io, setExitCode));
  const inherit = (parent: Command) => {
    for (const child of parent.commands) {
      child.copyInheritedSettings(parent);
      inherit(child);
    }
  };
  inherit(program);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    status = error.exitCode === 0 ? 0 : 2;
  }
  return { status, output: io.output(), errors: io.errors() };
}

describe('prevail simulate chats and prevail chats evaluate', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-chats-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('--help describes both commands', async () => {
    const simulate = await run('simulate', 'chats', '--help');
    assert.equal(simulate.status, 0);
    assert.match(simulate.output, /--conversations <n>/);
    assert.match(simulate.output, /--languages <list>/);
    assert.match(simulate.output, /Tune rules on seeds 1 to 3 only/);
    const evaluate = await run('chats', 'evaluate', '--help');
    assert.equal(evaluate.status, 0);
    assert.match(evaluate.output, /--tune-seeds <list>/);
    assert.match(evaluate.output, /ERDE_5 and ERDE_50/);
  });

  test('writes the same bytes for the same seed, then evaluates them (tuning seed flagged)', async () => {
    const out = join(directory, 'chats.jsonl');
    const first = await run('simulate', 'chats', '--seed', '2', '--conversations', '30', '--out', out);
    assert.equal(first.status, 0, first.errors);
    assert.match(first.errors, /simulated 30 conversations \(grooming \d+, sextortion \d+, benign \d+\)/);
    const events = await readFile(out, 'utf8');
    const again = join(directory, 'again.jsonl');
    await run('simulate', 'chats', '--seed', '2', '--conversations', '30', '--out', again);
    assert.equal(await readFile(again, 'utf8'), events);
    assert.equal(await readFile(`${again}.labels.jsonl`, 'utf8'), await readFile(`${out}.labels.jsonl`, 'utf8'));
    const result = await run('chats', 'evaluate', '--events', out, '--labels', `${out}.labels.jsonl`, '--json');
    assert.equal(result.status, 0, result.errors);
    const evaluation = JSON.parse(result.output);
    assert.equal(evaluation.conversations, 30);
    assert.equal(evaluation.heldOut, false);
    assert.deepEqual(evaluation.seeds, [2]);
    assert.equal(evaluation.baseline.overall.conversations, 30);
    const text = await run(
      'chats',
      'evaluate',
      '--events',
      out,
      '--labels',
      `${out}.labels.jsonl`,
      '--tune-seeds',
      '7',
    );
    assert.match(text.output, /held out \(reportable\)/);
    assert.match(text.output, /naive baseline \(ten keywords\)/);
    assert.match(text.output, /slice sextortion|slice grooming/);
  });

  test('with the text removed, the metadata-only typology alerts on generated groomers and a support look-alike, never on extortioners posing as teens', async () => {
    // Seed 4 is a tune seed: this checks the simulator exercises the rule, it reports no figure.
    const out = join(directory, 'metadata.jsonl');
    assert.equal((await run('simulate', 'chats', '--seed', '4', '--conversations', '120', '--out', out)).status, 0);
    const result = await run(
      'chats',
      'evaluate',
      '--events',
      out,
      '--labels',
      `${out}.labels.jsonl`,
      '--metadata-typologies',
      'chat_metadata_risk',
      '--json',
    );
    assert.equal(result.status, 0, result.errors);
    const { metadataOnly, metadataAlertSource } = JSON.parse(result.output);
    assert.deepEqual(metadataAlertSource.typologies, ['chat_metadata_risk']);
    const slice = (name: string) => metadataOnly.bySlice[name];
    assert.ok(slice('grooming_fast').alertedPositives + slice('grooming_slow').alertedPositives > 0, 'groomers alert');
    assert.ok(slice('sextortion').conversations > 0);
    assert.equal(slice('sextortion').alertedPositives, 0, 'a declared teen is no stated adult');
    assert.ok(slice('customer_support').alertedNegatives > 0, 'a support campaign blocked as spam looks the same');
  });

  test('hostile arguments: absurd counts and bad seeds exit 2, bad languages and typologies are coded errors', async () => {
    const out = join(directory, 'never.jsonl');
    for (const count of ['0', '-4', '1e9', '50001', 'many']) {
      const result = await run('simulate', 'chats', '--seed', '1', '--conversations', count, '--out', out);
      assert.equal(result.status, 2, count);
      assert.match(result.errors, /expected a whole number from 1 to 50000/);
    }
    assert.equal((await run('simulate', 'chats', '--seed', 'x', '--out', out)).status, 2);
    assert.equal((await run('simulate', 'chats', '--conversations', '3', '--out', out)).status, 2, 'seed required');
    await assert.rejects(
      run('simulate', 'chats', '--seed', '1', '--languages', 'en,klingon', '--out', out),
      (error) => error instanceof EngineError && error.code === 'REQUEST_INVALID' && /klingon/.test(error.message),
    );
    await assert.rejects(
      run('simulate', 'chats', '--seed', '1', '--languages', ',', '--out', out),
      (error) => error instanceof EngineError && error.code === 'REQUEST_INVALID',
    );
    const events = join(directory, 'small.jsonl');
    await run('simulate', 'chats', '--seed', '5', '--conversations', '3', '--out', events);
    await assert.rejects(
      run('chats', 'evaluate', '--events', events, '--labels', `${events}.labels.jsonl`, '--typologies', 'nope'),
      (error) => error instanceof EngineError && error.code === 'REQUEST_INVALID',
    );
    await assert.rejects(
      run(
        'chats',
        'evaluate',
        '--events',
        events,
        '--labels',
        `${events}.labels.jsonl`,
        '--metadata-typologies',
        'nope',
      ),
      (error) => error instanceof EngineError && error.code === 'REQUEST_INVALID' && /nope/.test(error.message),
    );
    const badSeeds = await run(
      'chats',
      'evaluate',
      '--events',
      events,
      '--labels',
      `${events}.labels.jsonl`,
      '--tune-seeds',
      '1,x',
    );
    assert.equal(badSeeds.status, 2);
    assert.throws(() => parseSeedList(Array.from({ length: 101 }, (_, index) => index).join(',')));
    assert.deepEqual(parseSeedList('1, 2,3'), [1, 2, 3]);
  });
});
