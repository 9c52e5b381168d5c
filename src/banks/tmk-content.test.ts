import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  ffmpegSkipReason,
  h264,
  lavfi,
  openVideoClips,
  testPattern,
  type VideoClips,
} from '../../test/support/video-clips.js';
import { isEngineError } from '../core/index.js';
import { hashableSignalNames, hashMedia, type MediaHashes } from '../hasher/index.js';
import { type Match, Matcher } from '../matching/index.js';
import { createSignalIndex } from '../signals/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { BankService } from './bank-service.js';
import { exportHashList, importHashList } from './hash-list-transfer.js';

const decode = { maxPixels: 100_000_000 };

/** What a lookup of a video sends the matcher: its vPDQ, its TMK+PDQF and its digests. */
async function lookup(matcher: Matcher, bytes: Uint8Array): Promise<Match[]> {
  const hashes: MediaHashes = await hashMedia(bytes, {
    signals: [...hashableSignalNames, 'tmk_pdqf'],
    dihedral: false,
    decode,
  });
  const { vpdq, tmk_pdqf, md5, sha256 } = hashes;
  return (await matcher.match({ signals: { vpdq, tmk_pdqf, md5, sha256 } })).matches;
}

describe('tmk_pdqf: videos banked with videoSignals tmk_pdqf, matched by TMK+PDQF', {
  skip: ffmpegSkipReason(),
}, () => {
  let clips: VideoClips;
  let storage: Storage;
  let banks: BankService;
  let matcher: Matcher;
  let original: Uint8Array;

  before(async () => {
    clips = await openVideoClips('tmk');
    storage = await openStorage({ dataDir: clips.directory });
    banks = new BankService(storage.banks);
    matcher = new Matcher({
      repository: storage.banks,
      indexFactories: Object.fromEntries(
        ['vpdq', 'tmk_pdqf', 'md5', 'sha256'].map((type) => [type, () => createSignalIndex(type)]),
      ),
    });
    banks.subscribe(matcher);
    await matcher.load();
    original = await clips.bytes('original.mp4', testPattern('null'));
  });
  after(async () => {
    await storage.close();
    await clips.remove();
  });

  test('a bank without videoSignals tmk_pdqf stores no tmk_pdqf; one with it stores the .tmk file as base64', async () => {
    await banks.createBank({ name: 'PLAIN_VIDEOS' });
    const plain = await banks.addMedia('PLAIN_VIDEOS', original, decode);
    assert.equal(plain.signals.tmk_pdqf, undefined);
    await banks.createBank({ name: 'TMK_VIDEOS', videoSignals: ['tmk_pdqf'] });
    const content = await banks.addMedia('TMK_VIDEOS', original, decode, { source: 'test', externalId: 'testsrc2' });
    assert.deepEqual(Object.keys(content.signals).sort(), ['md5', 'sha256', 'tmk_pdqf', 'vpdq', 'vpdq_dense']);
    const tmk = Buffer.from(content.signals.tmk_pdqf ?? '', 'base64');
    assert.equal(tmk.length, 263_344);
    assert.equal(tmk.subarray(0, 12).toString('latin1'), 'TMK1FVECPDQF');
  });

  test('a 1.1× sped-up copy matches by tmk_pdqf where whole-video vpdq does not; an unrelated video matches nothing', async () => {
    const faster = await clips.bytes('faster.mp4', testPattern('setpts=PTS/1.1'));
    const matches = await lookup(matcher, faster);
    const bySignal = (signal: string) => matches.filter((match) => match.signalType === signal);
    assert.equal(bySignal('vpdq').length, 0, 'whole-video vPDQ misses the sped-up copy');
    const tmk = bySignal('tmk_pdqf');
    assert.equal(tmk.length, 1, JSON.stringify(matches.map((match) => [match.signalType, match.distance])));
    assert.equal(tmk[0]?.bank, 'TMK_VIDEOS');
    assert.ok((tmk[0]?.distance ?? 1) <= 0.3, `distance ${tmk[0]?.distance}`);
    // Answers name the videos briefly, never with their 351 KB values.
    assert.match(tmk[0]?.matchedValue ?? '', /^tmk_pdqf:\d+ frames$/);
    assert.match(tmk[0]?.queryValue ?? '', /^tmk_pdqf:\d+ frames$/);

    const unrelated = await clips.bytes('unrelated.mp4', [
      ...lavfi('mandelbrot=size=320x240:rate=25'),
      ...['-vf', 'trim=duration=6', ...h264],
    ]);
    assert.deepEqual(await lookup(matcher, unrelated), []);
  });

  test('a typed hash-list export carries the tmk_pdqf line, and importing it back adds it', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await exportHashList(banks, 'TMK_VIDEOS', output, 'typed');
    output.end();
    const text = Buffer.concat(chunks).toString('utf8');
    assert.ok(text.split('\n').some((line) => line.startsWith('tmk_pdqf ') && line.length > 350_000));
    await banks.createBank({ name: 'COPIED_TMK' });
    const report = await importHashList(banks, 'COPIED_TMK', [text], { format: 'auto' });
    assert.equal(report.rejected, 0);
    const [banked] = await banks.listContent('TMK_VIDEOS', { limit: 1 });
    const copied = await banks.listContent('COPIED_TMK', { limit: 10 });
    assert.ok(copied.some((content) => content.signals.tmk_pdqf === banked?.signals.tmk_pdqf));
  });

  test('a malformed tmk_pdqf value is SIGNAL_INVALID_HASH and stores nothing', async () => {
    const real = Buffer.from(
      (await hashMedia(original, { signals: ['tmk_pdqf'], dihedral: false, decode })).tmk_pdqf ?? '',
      'base64',
    );
    const otherRate = Buffer.from(real);
    otherRate.writeInt32LE(25, 12);
    const malformed = [
      'not base64!',
      Buffer.from('TMK1FVECPDQF').toString('base64'),
      Buffer.alloc(real.length).toString('base64'),
      real.subarray(0, real.length - 4).toString('base64'),
      otherRate.toString('base64'),
    ];
    const bank = await banks.getBank('TMK_VIDEOS');
    const before = await storage.banks.countSignals('tmk_pdqf', bank.id);
    for (const value of malformed) {
      await assert.rejects(
        banks.addContent('TMK_VIDEOS', { signals: { tmk_pdqf: value } }),
        (error: unknown) => isEngineError(error) && error.code === 'SIGNAL_INVALID_HASH',
        value.slice(0, 20),
      );
    }
    assert.equal(before, 1);
    assert.equal(await storage.banks.countSignals('tmk_pdqf', bank.id), before);
  });
});
