import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FramePixels, SignalContent, SignalType } from './index.js';
import { createSignalIndex, signalTypes } from './index.js';

/** A benign synthetic picture: a diagonal gradient with a bright square. */
function pattern(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = x > width / 4 && x < width / 2 && y > height / 4 && y < height / 2;
      const value = inSquare ? 250 : (x * 3 + y * 5) % 256;
      rgb.set([value, (value * 7) % 256, 255 - value], (y * width + x) * 3);
    }
  }
  return rgb;
}

async function* frames(count: number, width = 64, height = 48): AsyncGenerator<FramePixels> {
  for (let index = 0; index < count; index++) {
    yield { index, timestamp: index, width, height, rgb: pattern(width, height) };
  }
}

/** Content of each kind a descriptor may declare, as the hasher hands it over. */
function contentOf(kind: SignalType['contentTypes'][number], type?: SignalType): SignalContent {
  const bytes = new TextEncoder().encode('benign synthetic bytes');
  if (kind === 'photo') return { kind, bytes, pixels: { width: 64, height: 48, channels: 3, data: pattern(64, 48) } };
  // A signal that reads frames its own way (`videoReading`) is given them at its size.
  const size = type?.videoReading?.scale;
  if (kind === 'video') return { kind, bytes, frames: frames(3, size?.width, size?.height) };
  return { kind, bytes };
}

describe('signal descriptors', () => {
  test('a new signal type is one folder plus one line in the registry: every descriptor hashes, compares and indexes itself', async () => {
    assert.ok(signalTypes.length >= 4);
    for (const type of signalTypes) {
      for (const kind of type.contentTypes) {
        const hashed = await type.hash(contentOf(kind, type));
        assert.equal(type.parse(hashed.value), hashed.value, `${type.name} stores what it parses (${kind})`);
        assert.equal(type.compare(hashed.value, hashed.value), 0, `${type.name} compares a value to itself as 0`);
        const index = type.createIndex();
        assert.equal(index.signalType, type.name);
        index.add(7, hashed.value);
        const hits = index.query(hashed.value, type.defaultThreshold);
        assert.deepEqual(
          hits.map((hit) => [hit.owner, hit.distance]),
          [[7, 0]],
          `${type.name}'s index finds what it holds (${kind})`,
        );
      }
      assert.equal(createSignalIndex(type.name).signalType, type.name);
    }
  });

  test('signals start no process and import no video, transport or storage module', async () => {
    const root = fileURLToPath(new URL('.', import.meta.url));
    const sources: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      for (const entry of await readdir(directory, { withFileTypes: true })) {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) sources.push(path);
      }
    };
    await walk(root);
    assert.ok(sources.length > 10);
    for (const path of sources) {
      const text = await readFile(path, 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1] as string);
      for (const specifier of imports) {
        const target = specifier.startsWith('.')
          ? relative(join(root, '..'), resolve(dirname(path), specifier))
          : specifier;
        const allowed =
          target.startsWith('signals/') || ['core/index.js', 'indexes/index.js', 'node:crypto'].includes(target);
        assert.ok(allowed, `${relative(root, path)} imports ${specifier}`);
      }
      assert.doesNotMatch(text, /child_process|spawn\(/, `${relative(root, path)} starts no process`);
    }
  });
});
