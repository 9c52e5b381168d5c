import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { badKeyReason, clampProgress, toUpstreamItem } from './upstream-items.js';

describe('upstream items', () => {
  test('a progress time that steps back is clamped to the running maximum, never asserted', () => {
    assert.equal(clampProgress(null, { progressTimestamp: 100 }), 100);
    assert.equal(clampProgress(100, { progressTimestamp: 90 }), 100);
    assert.equal(clampProgress(100, { progressTimestamp: 120.7 }), 120);
    assert.equal(clampProgress(100, { progressTimestamp: 'soon' }), 100);
    assert.equal(clampProgress(100, { progressTimestamp: Number.NaN }), 100);
    assert.equal(clampProgress(null, {}), null);
  });

  test('keys: empty, huge, NUL and lone surrogates are refused; other unicode is kept', () => {
    assert.equal(badKeyReason('12-image1'), undefined);
    assert.equal(badKeyReason('pdq:ümlaut-😀'), undefined);
    for (const bad of ['', 'a\u0000b', 'x'.repeat(2000), 'a\uD800b', 42]) assert.ok(badKeyReason(bad));
  });

  test('unknown enum values and extra fields stay in the metadata; a non-object metadata becomes {}', () => {
    const { item } = toUpstreamItem({
      signals: [{ signalType: 'md5', value: 'AB'.repeat(16) }],
      metadata: { hashStatus: 'Undefined', extra: { nested: [1, 2] } },
    });
    assert.deepEqual(item, {
      signals: { md5: 'ab'.repeat(16) },
      metadata: { hashStatus: 'Undefined', extra: { nested: [1, 2] } },
    });
    const odd = toUpstreamItem({
      signals: [{ signalType: 'md5', value: 'ab'.repeat(16) }],
      metadata: [1] as unknown as Record<string, unknown>,
    });
    assert.deepEqual(odd.item?.metadata, {});
    const huge = toUpstreamItem({
      signals: [{ signalType: 'md5', value: 'ab'.repeat(16) }],
      metadata: { text: 'x'.repeat(70_000) },
    });
    assert.match(String(huge.item?.metadata.prevail_metadata_dropped), /larger than/);
  });
});
