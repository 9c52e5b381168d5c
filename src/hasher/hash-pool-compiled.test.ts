import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { patternImage } from '../../test/support/images.js';
import { defaultMaxPixels } from '../content/index.js';
import { hashMedia, mediaSignalNames } from './hash-media.js';

const sourceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every non-test `.ts` file under `directory`. */
async function sources(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /(?<!\.d|\.test)\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

test('the compiled pools start their workers under plain node (no tsx), with the same hashes', async () => {
  // Compile src/ to JavaScript as the build does (file by file, no type check: tsc checks types
  // elsewhere), into a directory whose node_modules is the project's.
  const out = await mkdtemp(join(tmpdir(), 'prevail-compiled-'));
  try {
    const options = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 };
    for (const file of await sources(sourceRoot)) {
      const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
        compilerOptions: options,
        fileName: file,
      });
      const target = join(out, relative(sourceRoot, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, outputText);
    }
    await writeFile(join(out, 'package.json'), '{"type": "module"}');
    await symlink(resolve(sourceRoot, '..', 'node_modules'), join(out, 'node_modules'), 'dir');
    const image = await patternImage(300, 200, 'png', 9);
    await writeFile(join(out, 'picture.png'), image);
    const script = `
      import { readFile } from 'node:fs/promises';
      import { HashPool } from './hasher/index.js';
      import { defaultFrameViews, FrameHashPool, frameHasher } from './streams/index.js';
      const pool = new HashPool({ workers: 1 });
      const bytes = new Uint8Array(await readFile('picture.png'));
      const hashes = await pool.hash(bytes, { signals: ['pdq', 'md5', 'sha256'], dihedral: false, decode: { maxPixels: ${defaultMaxPixels} } });
      await pool.close();
      // The stream frame pool starts its frame-hash-worker.js the same way.
      const rgb = new Uint8Array(96 * 54 * 3).map((_, i) => (i * 37 + (i >> 7) * 11) & 255);
      const frame = { index: 0, timestamp: 0, width: 96, height: 54, rgb };
      const frames = new FrameHashPool({ workers: 1 });
      const pooled = await frames.hash('s', frame);
      await frames.close();
      process.stdout.write(JSON.stringify({ hashes, frame: { pooled, main: frameHasher({ ...defaultFrameViews, moving: false })(frame) } }));
    `;
    const { NODE_OPTIONS: _ignored, ...environment } = process.env;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: environment,
      timeout: 60_000,
    });
    const expected = await hashMedia(image, {
      signals: mediaSignalNames,
      dihedral: false,
      decode: { maxPixels: defaultMaxPixels },
    });
    const result = JSON.parse(stdout);
    assert.deepEqual(result.hashes, JSON.parse(JSON.stringify(expected)));
    assert.deepEqual(result.frame.pooled, result.frame.main);
    assert.ok(result.frame.main.quality >= 50);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
