import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventTypeRegistry } from '../events/index.js';
import { type Match, matchJson, matchOutcomeJson, mediaMatchedEvent } from './index.js';

const pdq = 'f'.repeat(64);
const md5 = '900150983cd24fb0d6963f7d28e17f72';

function match(overrides: Partial<Match> = {}): Match {
  return {
    bank: 'TEST_BANK',
    bankId: 3,
    contentId: 7,
    signalType: 'pdq',
    distance: 4,
    matchedValue: pdq,
    queryValue: pdq,
    variant: 'original',
    provenance: {
      source: 'test',
      externalId: 'scene-1',
      category: 'synthetic',
      note: null,
      contentUri: null,
      addedAt: '2026-01-01T00:00:00.000Z',
    },
    ...overrides,
  };
}

describe('media.matched has one author', () => {
  test('mediaMatchedEvent builds the event of /v1/match, HMA lookups and stream frames alike', () => {
    const registry = new EventTypeRegistry();
    const time = new Date('2026-12-06T08:00:00.000Z');
    const api = mediaMatchedEvent({
      entities: { user: 'u1' },
      matches: [match()],
      signals: { pdq, md5, sha256: undefined },
      source: { kind: 'api' },
      time,
    });
    const hma = mediaMatchedEvent({
      entities: { user: 'u1' },
      matches: [match()],
      signals: { md5 },
      source: { kind: 'hma' },
    });
    const stream = mediaMatchedEvent({
      entities: { stream: 's1', user: 'host' },
      matches: [match()],
      signals: { pdq },
      source: { kind: 'stream', frameTimestamp: 12.34567 },
      time,
    });
    for (const event of [api, hma, stream]) {
      assert.ok(registry.check(event).ok, JSON.stringify(registry.check(event)));
      assert.equal(event.type, 'media.matched');
      assert.deepEqual(
        event.data.matches,
        [{ bank: 'TEST_BANK', contentId: 7, signalType: 'pdq', distance: 4 }],
        'an event carries what rules see of a match, never its provenance',
      );
    }
    assert.match(api.id, /^match-[0-9a-f-]{36}$/);
    assert.match(hma.id, /^hma-match-[0-9a-f-]{36}$/);
    assert.match(stream.id, /^stream-match-[0-9a-f-]{36}$/);
    assert.deepEqual(
      [api.data.source, hma.data.source, stream.data.source],
      ['api', 'hma', 'stream'],
      'rules can tell where the media came from',
    );
    assert.deepEqual(api.data.signals, { pdq, md5 }, 'signals not computed are left out');
    assert.deepEqual(stream.data.signals, { pdq, frame_timestamp: 12.346 });
    assert.equal(api.time, '2026-12-06T08:00:00.000Z');
    assert.deepEqual(stream.entities, { stream: 's1', user: 'host' });
  });

  test('a match has one JSON shape: matchJson leaves out the internal bank id and keeps the vPDQ shares', () => {
    const image = matchJson(match());
    assert.deepEqual(Object.keys(image), [
      'bank',
      'contentId',
      'signalType',
      'distance',
      'matchedValue',
      'queryValue',
      'variant',
      'provenance',
    ]);
    assert.equal('bankId' in image, false);
    const video = matchJson(
      match({ signalType: 'vpdq', distance: 10, queryMatchPercent: 95, comparedMatchPercent: 90 }),
    );
    assert.equal(video.queryMatchPercent, 95);
    assert.equal(video.comparedMatchPercent, 90);
    const outcome = matchOutcomeJson({
      matches: [],
      suppressed: [{ ...match(), suppressedBy: { bank: 'NEGATIVE', contentId: 9 } }],
      quarantined: [match({ contentId: 8 })],
      negative: [match({ bank: 'NEGATIVE', contentId: 9 })],
      warnings: ['matched negative bank NEGATIVE (content 9); 1 match(es) suppressed'],
    });
    assert.deepEqual(outcome.suppressed[0], { ...image, suppressedBy: { bank: 'NEGATIVE', contentId: 9 } });
    assert.deepEqual(outcome.quarantined[0], matchJson(match({ contentId: 8 })));
    assert.equal(outcome.negative[0]?.bank, 'NEGATIVE');
    assert.equal(outcome.warnings.length, 1);
  });

  test('a match of an item an exchange fetched names the exchange, and nothing else of its upstream', () => {
    const upstream = { exchange: 'NCMEC_FEED', key: '42-image7', metadata: { classification: 'A1' } };
    const fetched = match({ provenance: { ...match().provenance, upstream } });
    const event = mediaMatchedEvent({
      entities: { user: 'u1' },
      matches: [fetched, match({ contentId: 8 })],
      signals: { pdq },
      source: { kind: 'api' },
    });
    assert.ok(new EventTypeRegistry().check(event).ok);
    assert.deepEqual(event.data.matches, [
      { bank: 'TEST_BANK', contentId: 7, signalType: 'pdq', distance: 4, exchange: 'NCMEC_FEED' },
      { bank: 'TEST_BANK', contentId: 8, signalType: 'pdq', distance: 4 },
    ]);
    assert.doesNotMatch(JSON.stringify(event), /42-image7|classification/);
  });
});
