import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashPixels } from '../signals/index.js';
import { hashVideoFrame } from './frame-hash.js';

describe('hashVideoFrame', () => {
  test('is PDQ of the frame at native size; flat frames have quality 0', () => {
    const width = 96;
    const height = 54;
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + (i >> 7) * 11) & 255;
    const frame = { index: 0, timestamp: 0, width, height, rgb };
    assert.deepEqual(hashVideoFrame(frame), hashPixels({ width, height, channels: 3, data: rgb }));
    assert.ok(hashVideoFrame(frame).quality >= 50);
    assert.equal(hashVideoFrame({ ...frame, rgb: new Uint8Array(rgb.length).fill(128) }).quality, 0);
  });
});
