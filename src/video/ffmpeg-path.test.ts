import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('no bundled ffmpeg: @ffmpeg-installer (a 2018 build) is neither a dependency nor looked for', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'allowScripts']) {
    const names = Object.keys((manifest[field] ?? {}) as Record<string, unknown>);
    assert.deepEqual(
      names.filter((name) => name.startsWith('@ffmpeg-installer/')),
      [],
      `package.json ${field} names no @ffmpeg-installer package`,
    );
  }
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  assert.deepEqual(
    Object.keys(lock.packages).filter((path) => path.includes('@ffmpeg-installer/')),
    [],
    'package-lock.json holds no @ffmpeg-installer package',
  );
  const videoDirectory = join(root, 'src', 'video');
  for (const file of readdirSync(videoDirectory).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')))
    assert.doesNotMatch(
      readFileSync(join(videoDirectory, file), 'utf8'),
      /require\(['"]@ffmpeg-installer/,
      `${file} loads no bundled ffmpeg`,
    );
});
