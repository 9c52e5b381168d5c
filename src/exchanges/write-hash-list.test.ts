import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import type { HashListExportEntry } from './types.js';
import { formatHashListLine, hashListHeader, maxExportTextLength, writeHashList } from './write-hash-list.js';

const pdq = '0123456789abcdef'.repeat(4);
const md5 = 'aaaabbbbccccdddd'.repeat(2);
const sha256 = 'fedcba9876543210'.repeat(4);

function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof EngineError && error.code === code;
}

/** A Writable that collects what it gets, taking a macrotask per write to make backpressure real. */
function slowSink(highWaterMark = 1024): { sink: Writable; text: () => string; maxBuffered: () => number } {
  const parts: string[] = [];
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      maxBuffered = Math.max(maxBuffered, sink.writableLength);
      parts.push(chunk);
      setImmediate(callback);
    },
  });
  return { sink, text: () => parts.join(''), maxBuffered: () => maxBuffered };
}

describe('formatHashListLine', () => {
  const entry: HashListExportEntry = {
    signalType: 'pdq',
    value: pdq.toUpperCase(),
    externalId: 'case 7, "a"',
    category: 'csam',
    addedAt: '2024-01-02T03:04:05.000Z',
  };

  test('writes each format with normalised values and Prevail names', () => {
    assert.equal(formatHashListLine('typed', entry), `pdq ${pdq}`);
    assert.equal(formatHashListLine('bare', entry), pdq);
    assert.equal(formatHashListLine('pdq-tool', entry), `${pdq},filename=case 7, "a"`);
    assert.equal(formatHashListLine('pdq-tool', { signalType: 'pdq', value: pdq, externalId: null }), pdq);
    assert.equal(formatHashListLine('te-csv', entry), `${pdq},HASH_PDQ,"case 7, ""a""",2024-01-02T03:04:05.000Z,csam`);
    assert.equal(formatHashListLine('te-csv', { signalType: 'md5', value: md5 }), `${md5},HASH_MD5,,,`);
    assert.equal(formatHashListLine('typed', { signalType: 'sha256', value: sha256 }), `sha256 ${sha256}`);
    assert.equal(hashListHeader('te-csv'), 'indicator,indicator_type,indicator_id,added_on,labels');
    assert.equal(hashListHeader('typed'), undefined);
  });

  test('turns line breaks and control characters in free text into spaces and cuts it to the limit', () => {
    const line = formatHashListLine('te-csv', { signalType: 'md5', value: md5, category: 'a\r\nb\tc\u2028d' });
    assert.equal(line, `${md5},HASH_MD5,,,a  b c d`);
    const long = formatHashListLine('pdq-tool', { signalType: 'pdq', value: pdq, externalId: 'x'.repeat(5000) });
    assert.equal(long, `${pdq},filename=${'x'.repeat(maxExportTextLength)}`);
    const emoji = formatHashListLine('pdq-tool', {
      signalType: 'pdq',
      value: pdq,
      externalId: `${'x'.repeat(maxExportTextLength - 1)}😀`,
    });
    assert.ok(!/[\uD800-\uDBFF]$/.test(emoji), 'no lone high surrogate at the cut');
  });

  test('refuses what is not a valid stored signal or what the format cannot hold', () => {
    assert.throws(() => formatHashListLine('typed', { signalType: 'tmk', value: pdq }), hasCode('SIGNAL_UNKNOWN'));
    assert.throws(() => formatHashListLine('typed', { signalType: 'md5', value: pdq }), hasCode('SIGNAL_INVALID_HASH'));
    assert.throws(() => formatHashListLine('pdq-tool', { signalType: 'md5', value: md5 }), hasCode('REQUEST_INVALID'));
  });
});

describe('writeHashList', () => {
  test('writes the header and one line per entry, and counts the entries', async () => {
    const { sink, text } = slowSink();
    const result = await writeHashList(
      [
        { signalType: 'pdq', value: pdq },
        { signalType: 'md5', value: md5 },
      ],
      sink,
      'te-csv',
    );
    assert.deepEqual(result, { lines: 2 });
    assert.equal(
      text(),
      `indicator,indicator_type,indicator_id,added_on,labels\n${pdq},HASH_PDQ,,,\n${md5},HASH_MD5,,,\n`,
    );
  });

  test('respects backpressure: the sink never holds more than about one chunk', async () => {
    const { sink, text, maxBuffered } = slowSink(1024);
    async function* many(): AsyncGenerator<HashListExportEntry> {
      for (let i = 0; i < 20_000; i++) yield { signalType: 'pdq', value: pdq };
    }
    const result = await writeHashList(many(), sink, 'typed');
    assert.equal(result.lines, 20_000);
    assert.equal(text(), `pdq ${pdq}\n`.repeat(20_000));
    assert.ok(maxBuffered() < 2 * 65_536 + 1024, `sink buffered ${maxBuffered()} characters`);
  });

  test('a bare export holds one signal type', async () => {
    const { sink } = slowSink();
    await assert.rejects(
      writeHashList(
        [
          { signalType: 'pdq', value: pdq },
          { signalType: 'sha256', value: sha256 },
        ],
        sink,
        'bare',
      ),
      hasCode('REQUEST_INVALID'),
    );
  });

  test('an output that closes early or fails ends the export with an error, never a hang', async () => {
    const closed = slowSink();
    closed.sink.destroy();
    await assert.rejects(writeHashList([{ signalType: 'pdq', value: pdq }], closed.sink, 'typed'), hasCode('INTERNAL'));

    const failing = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(new Error('pipe broke')));
      },
    });
    failing.on('error', () => {});
    async function* many(): AsyncGenerator<HashListExportEntry> {
      for (let i = 0; i < 10_000; i++) yield { signalType: 'pdq', value: pdq };
    }
    await assert.rejects(writeHashList(many(), failing, 'typed'), /pipe broke|closed before/);
  });
});
