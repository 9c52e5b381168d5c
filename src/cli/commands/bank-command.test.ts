import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCaptured } from '../../../test/support/cli-run.js';
import { patternImage } from '../../../test/support/images.js';

const pdqA = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const pdqB = '0f0f0f31e0f457b00637f5d5038f980fb36ed12a9662c1e233e64c634e9c64dd';

describe('prevail bank and prevail match', () => {
  let directory: string;
  let dataDir: string;
  const run = (...args: string[]) => runCaptured([...args, '--data-dir', dataDir]);

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-bank-cli-'));
    dataDir = join(directory, 'data');
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('create, list, update, show and delete (delete needs --yes)', async () => {
    assert.equal((await run('bank', 'create', 'CLI_BANK', '--pdq-threshold', '20')).status, 0);
    const duplicate = await run('bank', 'create', 'CLI_BANK');
    assert.equal(duplicate.status, 1);
    assert.match(duplicate.errors, /BANK_ALREADY_EXISTS/);
    assert.equal((await run('bank', 'create', 'bad name')).status, 1);
    const badViews = await run('bank', 'create', 'CLI_VIEWS', '--video-views', 'corners,everything');
    assert.equal(badViews.status, 1);
    assert.match(badViews.errors, /BANK_INVALID_SETTINGS/);
    for (const bad of ['tmk', 'tmk_pdqf,pdq', 'TMK_PDQF']) {
      const badSignals = await run('bank', 'create', 'CLI_SIGNALS', '--video-signals', bad);
      assert.equal(badSignals.status, 1, bad);
      assert.match(badSignals.errors, /BANK_INVALID_SETTINGS/);
    }
    const oldWay = await run('bank', 'create', 'CLI_SIGNALS', '--video-views', 'tmk');
    assert.match(oldWay.errors, /BANK_INVALID_SETTINGS/, 'tmk is a signal now, not a view');
    const listed = await run('bank', 'list');
    assert.deepEqual(
      listed.lines.map((line) => JSON.parse(line).name),
      ['CLI_BANK'],
    );
    const updated = await run('bank', 'update', 'CLI_BANK', '--rename', 'CLI_RENAMED', '--negative');
    assert.equal(JSON.parse(updated.lines[0] ?? '{}').negative, true);
    assert.deepEqual(JSON.parse(updated.lines[0] ?? '{}').videoViews, []);
    const cornered = await run('bank', 'update', 'CLI_RENAMED', '--video-views', 'corners');
    assert.deepEqual(JSON.parse(cornered.lines[0] ?? '{}').videoViews, ['corners']);
    const off = await run('bank', 'update', 'CLI_RENAMED', '--video-views', 'none');
    assert.deepEqual(JSON.parse(off.lines[0] ?? '{}').videoViews, []);
    assert.deepEqual(JSON.parse(off.lines[0] ?? '{}').videoSignals, []);
    const tmk = await run('bank', 'update', 'CLI_RENAMED', '--video-signals', 'tmk_pdqf');
    assert.deepEqual(JSON.parse(tmk.lines[0] ?? '{}').videoSignals, ['tmk_pdqf']);
    const noTmk = await run('bank', 'update', 'CLI_RENAMED', '--video-signals', 'none');
    assert.deepEqual(JSON.parse(noTmk.lines[0] ?? '{}').videoSignals, []);
    assert.equal((await run('bank', 'delete', 'CLI_RENAMED')).status, 2, 'refused without --yes');
    assert.equal((await run('bank', 'delete', 'CLI_RENAMED', '--yes')).status, 0);
    assert.equal((await run('bank', 'show', 'CLI_RENAMED')).status, 1);
  });

  test('import reports duplicates and each rejected line; export gives the values back', async () => {
    await run('bank', 'create', 'IMPORTED');
    const list = join(directory, 'list.txt');
    await writeFile(
      list,
      [
        '# synthetic hashes',
        `pdq ${pdqA}`,
        `pdq ${pdqA}`,
        'pdq not-a-hash',
        `md5 900150983cd24fb0d6963f7d28e17f72`,
        'tmk 1234',
        `pdq ${pdqB}`,
        '',
      ].join('\n'),
    );
    const imported = await run('bank', 'import', 'IMPORTED', list, '--source', 'test-list');
    assert.equal(imported.status, 1, 'rejected lines make the exit status 1');
    assert.deepEqual(JSON.parse(imported.lines[0] ?? '{}'), {
      bank: 'IMPORTED',
      entries: 4,
      added: 3,
      duplicates: 1,
      rejected: 2,
    });
    assert.match(imported.errors, /list\.txt:4: invalid pdq hash/);
    assert.match(imported.errors, /list\.txt:6: unknown signal type 'tmk'/);
    const again = await run('bank', 'import', 'IMPORTED', list);
    assert.equal(JSON.parse(again.lines[0] ?? '{}').added, 0, 'importing twice adds nothing');

    const exported = await run('bank', 'export', 'IMPORTED');
    assert.deepEqual(exported.lines, [`pdq ${pdqA}`, 'md5 900150983cd24fb0d6963f7d28e17f72', `pdq ${pdqB}`]);
    const bare = join(directory, 'bare.txt');
    assert.equal(
      (await run('bank', 'export', 'IMPORTED', '--format', 'bare', '--signal-type', 'pdq', '-o', bare)).status,
      0,
    );
    assert.equal(await readFile(bare, 'utf8'), `${pdqA}\n${pdqB}\n`);
    const missingFormat = await run('bank', 'import', 'IMPORTED', list, '--format', 'nonsense');
    assert.match(missingFormat.errors, /IMPORT_INVALID_FORMAT/);
  });

  test('add images and hashes, then match files and --hash against them', async () => {
    await run('bank', 'create', 'PICTURES');
    const picture = join(directory, 'picture.png');
    await writeFile(picture, await patternImage(300, 200, 'png', 5));
    const added = await run('bank', 'add', 'PICTURES', picture, '--hash', `pdq:${pdqB}`, '--note', 'benign');
    assert.equal(added.status, 0, added.errors);
    assert.equal(added.lines.length, 2);
    const matched = await run('match', picture, '--hash', pdqB, '--banks', 'PICTURES');
    assert.equal(matched.status, 0, matched.errors);
    const records = matched.lines.map((line) => JSON.parse(line));
    assert.equal(records.length, 2);
    assert.equal(records[0].matches[0].bank, 'PICTURES');
    assert.equal(records[1].matches[0].distance, 0);
    assert.match(records[1].signals.pdq, /^[0-9a-f]{64}$/);
    const nothing = await run('match', '--hash', `${'0'.repeat(63)}1`, '--banks', 'PICTURES');
    assert.deepEqual(JSON.parse(nothing.lines[0] ?? '{}').matches, []);
  });
});
