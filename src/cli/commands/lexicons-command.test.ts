import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { captureIo } from '../../../test/support/capture-io.js';
import { runCli } from '../main.js';

async function run(args: string[]) {
  const io = captureIo();
  const status = await runCli(args, io);
  return { status, output: io.output(), errors: io.errors() };
}

function lines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const ownBank = {
  name: 'own-words',
  version: 2,
  language: 'any',
  kind: 'indicators',
  sources: [{ title: 'written for this test' }],
  entries: [{ id: 'w.001', family: 'custom:coded_place', phrase: 'blue harbour', weight: 0.5 }],
};

describe('prevail lexicons', () => {
  let dir: string;
  let policy: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-lexicons-cli-'));
    policy = join(dir, 'policy');
    await writeFile(join(dir, 'own.json'), JSON.stringify(ownBank));
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ ...ownBank, entries: [{ ...ownBank.entries[0], weight: 2 }] }),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('check: one line per file; a bad weight names the entry and exits 1', async () => {
    const result = await run(['lexicons', 'check', join(dir, 'own.json'), join(dir, 'bad.json')]);
    assert.equal(result.status, 1);
    const [good, bad] = lines(result.output);
    assert.equal(good?.ok, true);
    assert.deepEqual(good?.families, { 'custom:coded_place': 1 });
    assert.equal(bad?.ok, false);
    assert.match(JSON.stringify(bad?.error), /LEXICON_INVALID.*entry 'w\.001'.*weight/);
  });

  test('import copies a checked file into <policy>/lexicons; list then shows it; a second import needs --replace', async () => {
    const imported = await run(['lexicons', 'import', join(dir, 'own.json'), '--policy', policy]);
    assert.equal(imported.status, 0, imported.errors);
    assert.deepEqual(await readdir(join(policy, 'lexicons')), ['own-words.json']);
    const listed = lines((await run(['lexicons', 'list', '--policy', policy])).output);
    assert.deepEqual(
      listed.map((bank) => [bank.name, bank.origin]),
      [
        ['prevail-en', 'shipped'],
        ['prevail-fr', 'shipped'],
        ['prevail-es', 'shipped'],
        ['prevail-pt', 'shipped'],
        ['prevail-tl', 'shipped'],
        ['prevail-any', 'shipped'],
        ['prevail-allow', 'shipped'],
        ['prevail-suppress', 'shipped'],
        ['own-words', 'policy'],
      ],
    );
    const again = await run(['lexicons', 'import', join(dir, 'own.json'), '--policy', policy]);
    assert.equal(again.status, 1);
    assert.match(again.errors, /LEXICON_INVALID.*--replace/);
    assert.equal((await run(['lexicons', 'import', join(dir, 'own.json'), '--policy', policy, '--replace'])).status, 0);
    const bad = await run(['lexicons', 'import', join(dir, 'bad.json'), '--policy', policy]);
    assert.equal(bad.status, 1);
  });

  test('export writes a bank as JSON or YAML that checks again; an unknown name is LEXICON_NOT_FOUND', async () => {
    const out = join(dir, 'en.yaml');
    const exported = await run(['lexicons', 'export', 'prevail-en', '--format', 'yaml', '--out', out]);
    assert.equal(exported.status, 0, exported.errors);
    const bank = parseYaml(await readFile(out, 'utf8')) as { name: string; entries: unknown[] };
    assert.equal(bank.name, 'prevail-en');
    assert.ok(bank.entries.length > 100);
    const json = await run(['lexicons', 'export', 'prevail-tl']);
    assert.equal((JSON.parse(json.output) as { language: string }).language, 'tl');
    const missing = await run(['lexicons', 'export', 'no-such-bank']);
    assert.equal(missing.status, 1);
    assert.match(missing.errors, /LEXICON_NOT_FOUND/);
  });
});
