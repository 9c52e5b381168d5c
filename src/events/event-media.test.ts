import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventTypeRegistry } from './index.js';

const registry = new EventTypeRegistry();

function matched(media: unknown) {
  return {
    id: 'm-1',
    type: 'media.matched',
    time: '2026-12-01T10:00:00.000Z',
    entities: { user: 'u1' },
    data: { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 0, category: 'A1' }], media },
  };
}

test('media.matched and media.uploaded carry an optional media reference for the review console', () => {
  assert.ok(registry.check(matched({ url: 'https://cdn.example/p/1.jpg', kind: 'image' })).ok);
  assert.ok(registry.check(matched({ evidenceId: '8a6e0804-2bd0-4672-b79d-d97027f9071b', kind: 'image' })).ok);
  assert.ok(registry.check({ ...matched(undefined), data: { matches: matched(undefined).data.matches } }).ok);
  const uploaded = {
    id: 'u-1',
    type: 'media.uploaded',
    time: '2026-12-01T10:00:00.000Z',
    entities: { user: 'u1' },
    data: { content_type: 'video', media: { url: 'http://cdn.example/v/1.mp4', kind: 'video' } },
  };
  assert.ok(registry.check(uploaded).ok);
});

test('a media reference that is not an http(s) URL, an evidence id or a known kind is refused with its path', () => {
  for (const media of [
    { url: 'file:///etc/passwd' },
    { url: 'javascript:alert(1)' },
    { evidenceId: '../../etc/passwd' },
    { kind: 'audio' },
    { url: 'https://cdn.example/1.jpg', extra: true },
    'https://cdn.example/1.jpg',
  ]) {
    const check = registry.check(matched(media));
    assert.equal(check.ok, false, JSON.stringify(media));
    assert.ok(JSON.stringify(check).includes('data.media'), JSON.stringify(check));
  }
});
