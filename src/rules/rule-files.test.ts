import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readRuleSources } from './rule-files.js';

const root = mkdtempSync(join(tmpdir(), 'prevail-rule-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('reads *.yaml and *.yml recursively in sorted order, skipping dot names and other files', async () => {
  const directory = join(root, 'rules');
  mkdirSync(join(directory, 'payments', 'nested'), { recursive: true });
  mkdirSync(join(directory, '.git'));
  for (const [file, text] of Object.entries({
    'z.yaml': 'z',
    'a.yml': 'a',
    'payments/b.yaml': 'b',
    'payments/nested/c.yaml': 'c',
    'payments.yaml': 'p',
    'notes.txt': 'not read',
    '.hidden.yaml': 'not read',
    '.git/config.yaml': 'not read',
    'backup.yaml~': 'not read',
  })) {
    writeFileSync(join(directory, file), text);
  }
  const read = await readRuleSources(directory);
  assert.deepEqual(read.diagnostics, []);
  assert.deepEqual(
    read.sources.map((source) => `${source.file}=${source.text}`),
    ['a.yml=a', 'payments.yaml=p', 'payments/b.yaml=b', 'payments/nested/c.yaml=c', 'z.yaml=z'],
  );
});

test('follows links to files (a Kubernetes ConfigMap mount), not links to directories', async () => {
  const directory = join(root, 'configmap');
  const data = join(directory, '..2026_01_01_data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'sessions.yaml'), 'mounted');
  symlinkSync('..2026_01_01_data', join(directory, '..data'));
  symlinkSync('..data/sessions.yaml', join(directory, 'sessions.yaml'));
  symlinkSync(data, join(directory, 'linked-directory'));
  const read = await readRuleSources(directory);
  assert.deepEqual(
    read.sources.map((source) => `${source.file}=${source.text}`),
    ['sessions.yaml=mounted'],
  );
});

test('a missing directory is a diagnostic, not an exception', async () => {
  const read = await readRuleSources(join(root, 'absent'));
  assert.deepEqual(read.sources, []);
  assert.equal(read.diagnostics.length, 1);
  const [diagnostic] = read.diagnostics;
  assert.deepEqual([diagnostic?.file, diagnostic?.line, diagnostic?.column], ['.', 1, 1]);
  assert.match(diagnostic?.message ?? '', /^cannot read the rules directory: ENOENT/);
});
