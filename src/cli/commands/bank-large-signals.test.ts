import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCaptured } from '../../../test/support/cli-run.js';
import { syntheticTmkValue } from '../../../test/support/tmk-values.js';

describe('prevail bank show, add and signals with long (tmk_pdqf) values', () => {
  let directory: string;
  let dataDir: string;
  const run = (...args: string[]) => runCaptured([...args, '--data-dir', dataDir]);
  const values = [syntheticTmkValue(11), syntheticTmkValue(12)];

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-bank-large-'));
    dataDir = join(directory, 'data');
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('show and add print a SHA-256 and length; signals prints the value; export → import keeps it byte for byte', async () => {
    assert.equal((await run('bank', 'create', 'TMK_LIST')).status, 0);
    const list = join(directory, 'tmk.txt');
    await writeFile(
      list,
      `${values.map((value) => `tmk_pdqf ${value}`).join('\n')}\nmd5 00000000000000000000000000000007\n`,
    );
    const imported = await run('bank', 'import', 'TMK_LIST', list);
    assert.equal(imported.status, 0, imported.errors);
    assert.equal(JSON.parse(imported.lines[0] ?? '{}').added, 3);

    const added = await run('bank', 'add', 'TMK_LIST', '--hash', `tmk_pdqf:${syntheticTmkValue(13)}`);
    assert.equal(added.status, 0, added.errors);
    assert.ok((added.lines[0] ?? '').length < 2_000, `bank add printed ${(added.lines[0] ?? '').length} characters`);
    assert.equal(JSON.parse(added.lines[0] ?? '{}').content.largeSignals.tmk_pdqf.valueBytes, 351_128);

    const shown = await run('bank', 'show', 'TMK_LIST');
    assert.equal(shown.status, 0, shown.errors);
    const items = shown.lines.slice(1).map((line) => JSON.parse(line));
    assert.equal(items.length, 4);
    for (const line of shown.lines) assert.ok(line.length < 2_000, `a line of ${line.length} characters`);
    const first = items[0];
    assert.deepEqual(first.signals, {});
    assert.deepEqual(first.largeSignals, {
      tmk_pdqf: {
        valueSha256: createHash('sha256')
          .update(values[0] ?? '')
          .digest('hex'),
        valueBytes: 351_128,
      },
    });
    assert.deepEqual(items[2].signals, { md5: '00000000000000000000000000000007' });
    assert.deepEqual(items[2].largeSignals, {});

    const whole = await run('bank', 'signals', String(first.id));
    assert.equal(whole.status, 0, whole.errors);
    assert.deepEqual(JSON.parse(whole.lines[0] ?? '{}'), {
      id: first.id,
      bank: 'TMK_LIST',
      signals: { tmk_pdqf: values[0] },
    });
    const missing = await run('bank', 'signals', '999999');
    assert.equal(missing.status, 1);
    assert.match(missing.errors, /CONTENT_NOT_FOUND/);

    const exported = join(directory, 'exported.txt');
    assert.equal((await run('bank', 'export', 'TMK_LIST', '--output', exported)).status, 0);
    assert.equal((await run('bank', 'create', 'TMK_COPY')).status, 0);
    const again = await run('bank', 'import', 'TMK_COPY', exported);
    assert.equal(again.status, 0, again.errors);
    assert.equal(JSON.parse(again.lines[0] ?? '{}').added, 4);
    const copies = (await run('bank', 'show', 'TMK_COPY')).lines.slice(1).map((line) => JSON.parse(line));
    const copied: string[] = [];
    for (const copy of copies) {
      const signals = JSON.parse((await run('bank', 'signals', String(copy.id))).lines[0] ?? '{}').signals;
      if (signals.tmk_pdqf !== undefined) copied.push(signals.tmk_pdqf);
    }
    assert.deepEqual(copied.sort(), [...values, syntheticTmkValue(13)].sort(), 'every value came back byte for byte');
    assert.ok((await readFile(exported, 'utf8')).includes(`tmk_pdqf ${values[1]}\n`));
  });

  test('match --hash with a tmk_pdqf value prints its SHA-256 and length, not the value', async () => {
    assert.equal((await run('bank', 'create', 'TMK_MATCH')).status, 0);
    const banked = syntheticTmkValue(21);
    assert.equal((await run('bank', 'add', 'TMK_MATCH', '--hash', `tmk_pdqf:${banked}`)).status, 0);
    const matched = await run('match', '--hash', banked, '--signal-type', 'tmk_pdqf', '--banks', 'TMK_MATCH');
    assert.equal(matched.status, 0, matched.errors);
    assert.equal(matched.lines.length, 1);
    const line = matched.lines[0] ?? '';
    assert.ok(line.length < 2_000, `match printed ${line.length} characters`);
    const record = JSON.parse(line);
    assert.equal(record.path, 'hash:tmk_pdqf');
    assert.deepEqual(record.signals, {});
    assert.deepEqual(record.largeSignals, {
      tmk_pdqf: { valueSha256: createHash('sha256').update(banked).digest('hex'), valueBytes: 351_128 },
    });
    assert.equal(record.matches.length, 1, JSON.stringify(record.matches));
    assert.equal(record.matches[0].bank, 'TMK_MATCH');
    assert.match(record.matches[0].queryValue, /^tmk_pdqf:\d+ frames$/);

    // A refused long value is named by its type too; a short value is still printed whole.
    const refused = await run('match', '--hash', 'A'.repeat(400_000), '--signal-type', 'tmk_pdqf');
    assert.equal(refused.status, 1);
    assert.ok((refused.lines[0] ?? '').length < 2_000, `match printed ${(refused.lines[0] ?? '').length} characters`);
    assert.equal(JSON.parse(refused.lines[0] ?? '{}').path, 'hash:tmk_pdqf');
    assert.equal(JSON.parse(refused.lines[0] ?? '{}').error.code, 'SIGNAL_INVALID_HASH');
    const md5 = '00000000000000000000000000000007';
    const short = JSON.parse((await run('match', '--hash', md5, '--signal-type', 'md5')).lines[0] ?? '{}');
    assert.deepEqual([short.path, short.signals, short.largeSignals], [`hash:${md5}`, { md5 }, undefined]);
  });
});
