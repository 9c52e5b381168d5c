import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from './atomic-file.js';

test('an atomic write replaces the whole file, and a failed one leaves the old file and no temporary', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-atomic-'));
  try {
    const path = join(directory, 'x.key');
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new');
    assert.equal(await readFile(path, 'utf8'), 'new');
    const blocked = join(directory, 'blocked.key');
    await mkdir(blocked);
    await assert.rejects(writeFileAtomic(blocked, 'never'));
    assert.deepEqual((await readdir(directory)).sort(), ['blocked.key', 'x.key'], 'no temporary file remains');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
