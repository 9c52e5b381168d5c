import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createServices, type Services } from '../app/index.js';
import { patternImage } from '../demo/index.js';
import { formatPytxVpdq, type PdqHash, parsePdqHash, pdqHashToWords, wordsToPdqHash } from '../signals/index.js';

/** `hash` with its first `bits` bits flipped. */
function flip(hash: PdqHash, bits: number): string {
  const words = pdqHashToWords(hash);
  for (let bit = 0; bit < bits; bit++) words[bit >> 5] = ((words[bit >> 5] as number) ^ (1 << (bit & 31))) >>> 0;
  return wordsToPdqHash(words);
}

const base = parsePdqHash('f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22');

// Once with the PDQ index on the main thread, once with PDQ lookups answered by 2 worker threads
// sharing it (SharedPdqIndex + PdqLookupPool), and the video indexes' frame lookups too
// (SharedGroupedPdqIndex): the answers must be the same.
for (const pdqLookupThreads of [0, 2]) {
  describe(`Matcher over a real store${pdqLookupThreads > 0 ? ', PDQ lookups in worker threads' : ''}`, () => {
    let directory: string;
    let services: Services;
    before(async () => {
      directory = await mkdtemp(join(tmpdir(), 'prevail-matcher-'));
      services = await createServices(
        { dataDir: directory },
        { floodPolicy: { windowMs: 60_000, minimumMatches: 3, multiplier: 10 }, pdqLookupThreads },
      );
    });
    after(async () => {
      await services.close();
      await rm(directory, { recursive: true, force: true });
    });

    test('an added hash matches on the very next lookup, with its provenance; disabling and deleting take effect at once', async () => {
      const { banks, matcher } = services;
      await banks.createBank({ name: 'INCREMENTAL' });
      const query = { signals: { pdq: flip(base, 5) } };
      assert.deepEqual((await matcher.match(query, { countForFlood: false })).matches, []);
      const content = await banks.addContent('INCREMENTAL', {
        signals: { pdq: base },
        source: 'ncmec',
        externalId: 'item-77',
        category: 'A1',
        note: 'synthetic test hash',
      });
      const [match] = (await matcher.match(query, { countForFlood: false })).matches;
      assert.ok(match, 'matched without any rebuild');
      const raw = await matcher.rawLookup('pdq', flip(base, 5), 31);
      assert.deepEqual(
        raw.map((hit) => [hit.owner, hit.distance]),
        [[content.id, 5]],
        'raw lookup (HMA) answered from the same index',
      );
      assert.deepEqual(
        { bank: match.bank, contentId: match.contentId, distance: match.distance, matchedValue: match.matchedValue },
        { bank: 'INCREMENTAL', contentId: content.id, distance: 5, matchedValue: base },
      );
      assert.deepEqual(
        {
          source: match.provenance.source,
          externalId: match.provenance.externalId,
          category: match.provenance.category,
        },
        { source: 'ncmec', externalId: 'item-77', category: 'A1' },
      );

      await banks.updateContent(content.id, { disableUntil: 0 });
      assert.equal((await matcher.match(query, { countForFlood: false })).matches.length, 0, 'disabled');
      assert.equal(
        (await matcher.match(query, { countForFlood: false, includeDisabled: true })).matches.length,
        1,
        'raw still sees it',
      );
      await banks.updateContent(content.id, { disableUntil: Math.floor(Date.now() / 1000) - 10 });
      assert.equal(
        (await matcher.match(query, { countForFlood: false })).matches.length,
        1,
        're-enabled once the time passed',
      );
      await banks.deleteContent(content.id);
      assert.equal(
        (await matcher.match(query, { countForFlood: false, includeDisabled: true })).matches.length,
        0,
        'deleted',
      );
    });

    test('per-bank thresholds: a distance-20 neighbour matches a threshold-31 bank and not a threshold-10 one', async () => {
      const { banks, matcher } = services;
      const value = flip(base, 40);
      await banks.createBank({ name: 'STRICT', pdqThreshold: 10 });
      await banks.createBank({ name: 'LOOSE' });
      await banks.addContent('STRICT', { signals: { pdq: value } });
      await banks.addContent('LOOSE', { signals: { pdq: value } });
      const neighbour = { signals: { pdq: flip(parsePdqHash(value), 20) } };
      const matched = (await matcher.match(neighbour, { countForFlood: false })).matches.map((match) => match.bank);
      assert.deepEqual(matched, ['LOOSE']);
      const exact = (await matcher.match({ signals: { pdq: value } }, { countForFlood: false })).matches.map(
        (m) => m.bank,
      );
      assert.deepEqual(exact.sort(), ['LOOSE', 'STRICT']);
      assert.deepEqual(
        (await matcher.match({ signals: { pdq: value } }, { countForFlood: false, banks: ['STRICT'] })).matches.map(
          (m) => m.bank,
        ),
        ['STRICT'],
        'bank filter',
      );
    });

    test('the radius boundary: distance 31 matches, 32 does not', async () => {
      const { banks, matcher } = services;
      const value = flip(base, 80);
      await banks.createBank({ name: 'BOUNDARY' });
      await banks.addContent('BOUNDARY', { signals: { pdq: value } });
      const at = async (distance: number) =>
        (
          await matcher.match(
            { signals: { pdq: flip(parsePdqHash(value), distance) } },
            { countForFlood: false, banks: ['BOUNDARY'] },
          )
        ).matches.length;
      assert.equal(await at(31), 1);
      assert.equal(await at(32), 0);
    });

    test('a negative bank suppresses matches of the same query in other banks, and says so', async () => {
      const { banks, matcher } = services;
      const value = flip(base, 120);
      await banks.createBank({ name: 'POSITIVE' });
      await banks.createBank({ name: 'ALLOWED', negative: true });
      await banks.addContent('POSITIVE', { signals: { pdq: value } });
      const benign = await banks.addContent('ALLOWED', { signals: { pdq: flip(parsePdqHash(value), 3) } });
      const outcome = await matcher.match(
        { signals: { pdq: value } },
        { countForFlood: false, banks: ['POSITIVE', 'ALLOWED'] },
      );
      assert.equal(outcome.matches.length, 0);
      assert.equal(outcome.suppressed.length, 1);
      assert.deepEqual(outcome.suppressed[0]?.suppressedBy, { bank: 'ALLOWED', contentId: benign.id });
      assert.equal(outcome.negative[0]?.bank, 'ALLOWED');
      assert.match(outcome.warnings.join(' '), /negative bank ALLOWED/);
    });

    test('flood protection quarantines an item that suddenly matches too much, once, and reports it', async () => {
      const { banks, matcher } = services;
      const value = flip(base, 160);
      await banks.createBank({ name: 'FLOODED' });
      const content = await banks.addContent('FLOODED', { signals: { pdq: value } });
      const query = { signals: { pdq: value } };
      const outcomes = [];
      for (let i = 0; i < 6; i++) outcomes.push(await matcher.match(query, { banks: ['FLOODED'] }));
      assert.deepEqual(
        outcomes.map((outcome) => [outcome.matches.length, outcome.quarantined.length]),
        [
          [1, 0],
          [1, 0],
          [1, 0],
          [0, 1],
          [0, 1],
          [0, 1],
        ],
      );
      const stored = await banks.getContent(content.id);
      assert.ok(stored.quarantinedAt !== null, 'the quarantine is stored');
      const reports = services.floodReports().filter((report) => report.contentId === content.id);
      assert.equal(reports.length, 1);
      assert.equal(reports[0]?.bank, 'FLOODED');
      await banks.setQuarantine(content.id, null);
      assert.equal(
        (await matcher.match(query, { banks: ['FLOODED'], countForFlood: false })).matches.length,
        1,
        'released',
      );
    });

    test('dihedral variants find a rotated copy of a banked picture', async () => {
      const { banks, matcher } = services;
      await banks.createBank({ name: 'ROTATIONS' });
      const upright = await patternImage(320, 240, 'png', 5);
      const banked = await banks.addMedia('ROTATIONS', upright, { maxPixels: 1e8 });
      const sharp = (await import('sharp')).default;
      const rotated = new Uint8Array(await sharp(upright).rotate(90).png().toBuffer());
      const { hashMedia, mediaSignalNames } = await import('../hasher/index.js');
      const hashes = await hashMedia(rotated, {
        signals: mediaSignalNames,
        dihedral: true,
        decode: { maxPixels: 1e8 },
      });
      const plain = await matcher.match(
        { signals: { pdq: hashes.pdq } },
        { countForFlood: false, banks: ['ROTATIONS'] },
      );
      assert.equal(plain.matches.length, 0, 'the rotated picture alone does not match');
      const withVariants = await matcher.match(
        { signals: { pdq: hashes.pdq }, ...(hashes.dihedral ? { pdqVariants: hashes.dihedral } : {}) },
        { countForFlood: false, banks: ['ROTATIONS'] },
      );
      assert.equal(withVariants.matches[0]?.contentId, banked.id);
      assert.notEqual(withVariants.matches[0]?.variant, 'original');
    });

    test('a stream frame (and its variants) matches a banked video by its frames; bank changes count at once', async () => {
      const { banks, matcher } = services;
      await banks.createBank({ name: 'VIDEO_FRAMES' });
      const frames = [flip(base, 100), flip(base, 140), flip(base, 180)].map(parsePdqHash);
      const videoOf = (hashes: readonly PdqHash[]) =>
        formatPytxVpdq(hashes.map((hash, i) => ({ frameNumber: i, timestamp: i, quality: 90, hash })));
      const dense = [...frames, parsePdqHash(flip(base, 220))];
      const frame = flip(frames[1] as PdqHash, 4);
      const query = { signals: { pdq: flip(base, 60) }, pdqVariants: { rotate90: frame } };
      const options = { countForFlood: false, banks: ['VIDEO_FRAMES'] };
      assert.deepEqual((await matcher.match(query, options)).matches, []);
      const content = await banks.addContent('VIDEO_FRAMES', {
        signals: { vpdq: videoOf(frames), vpdq_dense: videoOf(dense) },
      });
      const [match, ...rest] = (await matcher.match(query, options)).matches;
      assert.deepEqual(rest, []);
      assert.deepEqual(
        {
          contentId: match?.contentId,
          signalType: match?.signalType,
          distance: match?.distance,
          variant: match?.variant,
          matchedValue: match?.matchedValue,
        },
        { contentId: content.id, signalType: 'vpdq_frame', distance: 4, variant: 'rotate90', matchedValue: frames[1] },
      );
      // A frame only the dense list holds.
      const late = await matcher.match({ signals: { pdq: flip(dense[3] as PdqHash, 2) } }, options);
      assert.deepEqual(
        late.matches.map((found) => [found.contentId, found.distance]),
        [[content.id, 2]],
      );
      await banks.deleteContent(content.id);
      assert.deepEqual((await matcher.match(query, options)).matches, [], 'deleted: found no more');
    });

    test('a restart loads the index from storage', async () => {
      const { banks } = services;
      await banks.createBank({ name: 'DURABLE' });
      const value = flip(base, 200);
      await banks.addContent('DURABLE', { signals: { pdq: value, md5: '900150983cd24fb0d6963f7d28e17f72' } });
      const reopened = await createServices(
        { dataDir: directory },
        { floodPolicy: { windowMs: 60_000, minimumMatches: 100, multiplier: 10 } },
      );
      try {
        assert.ok(reopened.matcher.ready);
        const outcome = await reopened.matcher.match(
          { signals: { md5: '900150983cd24fb0d6963f7d28e17f72' } },
          { banks: ['DURABLE'] },
        );
        assert.equal(outcome.matches[0]?.signalType, 'md5');
        assert.equal(
          (await reopened.matcher.match({ signals: { pdq: flip(parsePdqHash(value), 2) } }, { banks: ['DURABLE'] }))
            .matches.length,
          1,
        );
      } finally {
        await reopened.close();
      }
    });
  });
}
