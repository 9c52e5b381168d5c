import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Match } from '../../matching/index.js';
import { readBankCreate, readBankUpdate } from './bank-requests.js';
import { coinflip } from './coinflip.js';
import { readContentMetadata } from './content-metadata.js';
import { inferContentType, selectSignals } from './media-hashing.js';
import { isTrueIgnoringCase, parseBankFilter, parsePydanticBool } from './query-params.js';
import { groupByBank } from './signal-lookup.js';
import { signalByRequestName, validateSignalValue } from './signal-names.js';

/** The small rules behind the HMA routes, pinned one by one. */

describe('query rules', () => {
  test("pydantic booleans, HMA's case-insensitive 'true', and banks= without trimming", () => {
    for (const text of ['true', 'True', '1', 'yes', 'on', 't', 'Y']) assert.equal(parsePydanticBool(text), true);
    for (const text of ['false', 'FALSE', '0', 'no', 'off', 'f', 'n']) assert.equal(parsePydanticBool(text), false);
    assert.equal(parsePydanticBool('maybe'), undefined);
    assert.equal(isTrueIgnoringCase('TRUE', false), true);
    assert.equal(isTrueIgnoringCase('1', true), false);
    assert.equal(isTrueIgnoringCase(undefined, true), true);
    assert.deepEqual(parseBankFilter('A, B'), ['A', ' B']);
    assert.equal(parseBankFilter(''), undefined);
  });

  test('coinflip: in [0, 1), deterministic per seed, spread across seeds', () => {
    const draws = Array.from({ length: 200 }, (_, seed) => coinflip(String(seed)));
    for (const draw of draws) assert.ok(draw >= 0 && draw < 1);
    assert.equal(coinflip('content-42'), coinflip('content-42'));
    assert.ok(draws.some((draw) => draw < 0.5) && draws.some((draw) => draw >= 0.5));
  });
});

describe('signal names and values', () => {
  test('HMA names map onto Prevail types; values validate as HMA validates them', () => {
    assert.equal(signalByRequestName('video_md5')?.prevail, 'md5');
    assert.equal(signalByRequestName('md5')?.hma, 'video_md5');
    assert.equal(signalByRequestName('PDQ'), undefined);
    const pdq = signalByRequestName('pdq');
    assert.ok(pdq !== undefined);
    assert.deepEqual(validateSignalValue(pdq, 'a'.repeat(64)), { ok: true, value: 'a'.repeat(64) });
    assert.deepEqual(validateSignalValue(pdq, 'A'.repeat(64)), { ok: false, reason: 'invalid PDQ hash' });
    assert.deepEqual(validateSignalValue(pdq, ''), { ok: false, reason: 'invalid PDQ hash' });
    assert.deepEqual(validateSignalValue(pdq, 5), {
      ok: false,
      reason: "expected string or bytes-like object, got 'int'",
    });
  });

  test('content types select their signal types; bytes are sniffed for URLs', async () => {
    assert.deepEqual(
      selectSignals('photo', undefined).map((signal) => signal.hma),
      ['pdq'],
    );
    assert.deepEqual(
      selectSignals('video', 'video_md5').map((signal) => signal.hma),
      ['video_md5'],
    );
    assert.throws(() => selectSignals('photo', ''), /signal type '' doesn't exist or is disabled/);
    const mp4 = new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 0, 0]);
    assert.equal(await inferContentType(mp4), 'video');
    await assert.rejects(inferContentType(new TextEncoder().encode('<html>')), /unsupported url ContentType/);
  });
});

describe('HMA content type of fetched bytes', () => {
  test('the HMA URL content type comes from the one sniffer: MPEG-TS, Ogg and QuickTime without ftyp are videos', async () => {
    const transport = new Uint8Array(400);
    for (const offset of [0, 188, 376]) transport[offset] = 0x47;
    const ogg = new Uint8Array(64);
    ogg.set(new TextEncoder().encode('OggS'));
    const moov = new Uint8Array(64);
    moov.set([0, 0, 0, 8, 0x6d, 0x6f, 0x6f, 0x76]);
    for (const bytes of [transport, ogg, moov]) assert.equal(await inferContentType(bytes), 'video');
    const avif = new Uint8Array(64);
    avif.set([
      0,
      0,
      0,
      0x1c,
      ...new TextEncoder().encode('ftypmif1'),
      0,
      0,
      0,
      0,
      ...new TextEncoder().encode('mif1avif'),
    ]);
    assert.equal(await inferContentType(avif), 'photo');
  });
});

describe('bank bodies', () => {
  test('create: ratio from enabled_ratio, else enabled, else 1.0 (enabled_ratio defaults to 1.0)', () => {
    assert.deepEqual(readBankCreate({ name: 'A' }), { ok: true, name: 'A', enabledRatio: 1 });
    assert.deepEqual(readBankCreate({ name: 'A', enabled: false }), { ok: true, name: 'A', enabledRatio: 1 });
    assert.deepEqual(readBankCreate({ name: 'A', enabled_ratio: null, enabled: 'off' }), {
      ok: true,
      name: 'A',
      enabledRatio: 0,
    });
    assert.deepEqual(readBankCreate({ name: 'A', enabled_ratio: ' 0.25 ' }), {
      ok: true,
      name: 'A',
      enabledRatio: 0.25,
    });
    const invalid = readBankCreate({ name: 5, enabled: 'maybe' });
    assert.equal(invalid.ok, false);
    if (!invalid.ok)
      assert.deepEqual(
        invalid.issues.map((issue) => issue.type),
        ['string_type', 'bool_parsing'],
      );
  });

  test('update: enabled gives 1 or 0, enabled_ratio overrides it', () => {
    assert.deepEqual(readBankUpdate({ enabled: true, enabled_ratio: '0.3' }), {
      ok: true,
      name: undefined,
      enabledRatio: 0.3,
    });
    assert.deepEqual(readBankUpdate({ enabled: false }), { ok: true, name: undefined, enabledRatio: 0 });
    assert.deepEqual(readBankUpdate({}), { ok: true, name: undefined, enabledRatio: undefined });
  });
});

describe('content metadata', () => {
  test('extra keys and wrong types are refused with pydantic-like text; collab is dropped', () => {
    assert.throws(
      () => readContentMetadata({ content_id: 7, extra: 'x' }),
      (error: Error) =>
        error.message ===
        "Invalid metadata: 2 validation errors for BankedContentMetadata\ncontent_id\n  Input should be a valid string [type=string_type, input_value=7, input_type=int]\nextra\n  Extra inputs are not permitted [type=extra_forbidden, input_value='x', input_type=str]",
    );
    assert.deepEqual(readContentMetadata({ content_uri: 'u', collab: { ncmec: ['1'] } }), {
      externalId: null,
      contentUri: 'u',
      json: null,
    });
    assert.equal(readContentMetadata(null), undefined);
  });
});

describe('grouping matches', () => {
  test('sorted bank keys, ascending ids, one entry per id at its best distance', () => {
    const match = (bank: string, contentId: number, distance: number, signalType = 'pdq'): Match => ({
      bank,
      bankId: 1,
      contentId,
      signalType,
      distance,
      matchedValue: '',
      queryValue: '',
      variant: 'original',
      provenance: { source: null, externalId: null, category: null, note: null, contentUri: null, addedAt: '' },
    });
    assert.deepEqual(groupByBank([]), {});
    assert.deepEqual(
      groupByBank([
        match('ZED', 9, 3),
        match('ALPHA', 5, 4),
        match('ALPHA', 2, 0),
        match('ALPHA', 5, 1),
        match('V', 3, 0, 'md5'),
      ]),
      {
        ALPHA: [
          { bank_content_id: 2, distance: '0' },
          { bank_content_id: 5, distance: '1' },
        ],
        V: [{ bank_content_id: 3, distance: '-' }],
        ZED: [{ bank_content_id: 9, distance: '3' }],
      },
    );
  });
});
