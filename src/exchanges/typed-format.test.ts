import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { syntheticTmkValue } from '../../test/support/tmk-values.js';
import { EngineError } from '../core/index.js';
import { readHashList } from './read-hash-list.js';
import { looksTyped, splitTypedLine } from './typed-format.js';
import type { HashListItem, ReadHashListOptions } from './types.js';

const pdq = '0123456789abcdef'.repeat(4);
const md5 = 'aaaabbbbccccdddd'.repeat(2);
const sha256 = 'fedcba9876543210'.repeat(4);

async function read(text: string, options: ReadHashListOptions = { format: 'typed' }): Promise<HashListItem[]> {
  const items: HashListItem[] = [];
  for await (const item of readHashList(Readable.from([Buffer.from(text)]), options)) items.push(item);
  return items;
}

describe('typed format', () => {
  test('reads <signal_type> <value> lines, normalising values and ignoring trailing fields', async () => {
    const items = await read(
      `pdq ${pdq.toUpperCase()}\nmd5\t${md5}  extra fields here\nsha256 ${sha256} FetchedSignalMetadata()\n`,
    );
    assert.deepEqual(items, [
      { kind: 'entry', line: 1, signalType: 'pdq', value: pdq },
      { kind: 'entry', line: 2, signalType: 'md5', value: md5 },
      { kind: 'entry', line: 3, signalType: 'sha256', value: sha256 },
    ]);
  });

  test("maps python-threatexchange's names: video_md5, photo_md5 → md5, video_sha256 → sha256; case-insensitive", async () => {
    const items = await read(`video_md5 ${md5}\nphoto_md5 ${md5}\nvideo_sha256 ${sha256}\nPDQ ${pdq}\n`);
    assert.deepEqual(
      items.map((item) => (item.kind === 'entry' ? item.signalType : item.reason)),
      ['md5', 'md5', 'sha256', 'pdq'],
    );
  });

  test("reads pytx's video_tmk_pdqf lines as tmk_pdqf, and rejects one that is not a .tmk file", async () => {
    const value = syntheticTmkValue(5);
    const items = await read(`video_tmk_pdqf ${value}\nvideo_tmk_pdqf ${md5}\n`);
    assert.deepEqual(items[0], { kind: 'entry', line: 1, signalType: 'tmk_pdqf', value });
    assert.equal(items[1]?.kind, 'rejected');
    assert.match(items[1]?.kind === 'rejected' ? items[1].reason : '', /tmk_pdqf/);
  });

  test('skips the quoted collaboration name `threatexchange dataset -P` prints first', async () => {
    const items = await read(`'Sample Data' pdq ${pdq} FetchedSignalMetadata()\n"it's mine" md5 ${md5}\n`);
    assert.deepEqual(
      items.map((item) => item.kind === 'entry' && item.value),
      [pdq, md5],
    );
  });

  test('rejects each bad line with its reason and line number, and goes on', async () => {
    const items = await read(
      [
        `tmk ${pdq}`,
        'pdq',
        `pdq ${pdq.slice(1)}`,
        `md5 ${pdq}`,
        `'unterminated pdq ${pdq}`,
        `'collab'pdq ${pdq}`,
        `pdq ${pdq}`,
      ].join('\n'),
    );
    const reasons = items.map((item) => [item.line, item.kind === 'rejected' ? item.reason : 'entry']);
    assert.deepEqual(reasons, [
      [1, "unknown signal type 'tmk'"],
      [2, "missing value after signal type 'pdq'"],
      [3, `invalid pdq hash: a PDQ hash is exactly 64 hex characters; got 63 characters: "${pdq.slice(1)}"`],
      [4, 'invalid md5 hash: an md5 hash is exactly 32 hex characters; got 64'],
      [5, 'unterminated quoted collaboration name'],
      [6, 'text after a quoted collaboration name'],
      [7, 'entry'],
    ]);
    assert.equal(items[0]?.kind === 'rejected' && items[0].text, `tmk ${pdq}`);
  });

  test('a declared signal type keeps lines of that type and rejects the others', async () => {
    const items = await read(`pdq ${pdq}\nmd5 ${md5}\n`, { format: 'typed', signalType: 'pdq' });
    assert.deepEqual(items[0], { kind: 'entry', line: 1, signalType: 'pdq', value: pdq });
    assert.deepEqual(items[1], {
      kind: 'rejected',
      line: 2,
      reason: 'signal type md5 does not match the declared signal type pdq',
      text: `md5 ${md5}`,
    });
  });

  test('an unknown declared signal type is SIGNAL_UNKNOWN, before anything is read', async () => {
    await assert.rejects(read(`pdq ${pdq}\n`, { format: 'typed', signalType: 'tmk' }), (error: unknown) => {
      return error instanceof EngineError && error.code === 'SIGNAL_UNKNOWN';
    });
  });

  test('splitTypedLine and looksTyped', () => {
    assert.deepEqual(splitTypedLine(`  'a b' pdq x  y `), { ok: true, tokens: ['pdq', 'x', 'y'] });
    assert.deepEqual(splitTypedLine(`'a\\'b' pdq x`), { ok: true, tokens: ['pdq', 'x'] });
    assert.equal(looksTyped(`pdq ${pdq}`), true);
    assert.equal(looksTyped(`video_md5 ${md5}`), true);
    assert.equal(looksTyped('pdq'), false);
    assert.equal(looksTyped(`tmk ${pdq}`), false);
    assert.equal(looksTyped(`${pdq},100,x`), false);
  });
});
