import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/index.js';
import { captureIo } from '../support/capture-io.js';

const sourceRoot = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every non-test TypeScript file under src/. */
function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('CLI: one validated configuration and coded errors', () => {
  let first: string;
  let second: string;
  before(async () => {
    first = await mkdtemp(join(tmpdir(), 'prevail-edge-config-a-'));
    second = await mkdtemp(join(tmpdir(), 'prevail-edge-config-b-'));
    assert.equal(await runCli(['bank', 'create', 'FIRST_BANK'], captureIo(), { PREVAIL_DATA_DIR: first }), 0);
    assert.equal(await runCli(['bank', 'create', 'SECOND_BANK', '--data-dir', second], captureIo(), {}), 0);
  });
  after(async () => {
    await rm(first, { recursive: true, force: true });
    await rm(second, { recursive: true, force: true });
  });

  test('no module reads process.env: only the composition root does, through src/config', () => {
    // PATH (where ffmpeg is) and PGUSER/USER (libpq's defaults for a URL without a user) are
    // the operating system's conventions, not Prevail settings.
    const allowed = new Map([
      ['cli/main.ts', /process\.env\b/],
      ['video/ffmpeg-path.ts', /process\.env\.PATH\b/],
      ['storage/storage-target.ts', /process\.env\.(PGUSER|USER)\b/],
      // ffmpeg inherits the process environment (less proxy variables when the checked proxy is used).
      ['video/frame-reader.ts', /process\.env\b/],
    ]);
    const offenders: string[] = [];
    for (const file of sourceFiles(sourceRoot)) {
      const name = relative(sourceRoot, file);
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!/process\.env\b/.test(line) || line.trim().startsWith('*')) continue;
        if (allowed.get(name)?.test(line) !== true) offenders.push(`${name}: ${line.trim()}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  test('an invalid setting is CONFIG_INVALID naming the variable, exit 2, before any command runs', async () => {
    const io = captureIo();
    const code = await runCli(['bank', 'list', '--data-dir', first], io, { PREVAIL_PORT: 'fifty' });
    assert.equal(code, 2);
    assert.match(
      io.errors(),
      /^prevail: CONFIG_INVALID: invalid environment: PREVAIL_PORT="fifty": expected a positive whole number\n$/,
    );
    assert.equal(io.output(), '');
  });

  test('settings give the defaults and command-line flags override them', async () => {
    const fromSetting = captureIo();
    assert.equal(await runCli(['bank', 'list'], fromSetting, { PREVAIL_DATA_DIR: first }), 0);
    assert.match(fromSetting.output(), /FIRST_BANK/);
    const fromFlag = captureIo();
    assert.equal(await runCli(['bank', 'list', '--data-dir', second], fromFlag, { PREVAIL_DATA_DIR: first }), 0);
    assert.match(fromFlag.output(), /SECOND_BANK/);
    assert.doesNotMatch(fromFlag.output(), /FIRST_BANK/);
  });

  test('a mistyped bank name in prevail match --banks is BANK_NOT_FOUND with a non-zero exit', async () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const io = captureIo();
    const args = ['match', '--signal-type', 'md5', '--hash', md5, '--data-dir', first, '--no-progress'];
    assert.equal(await runCli([...args, '--banks', 'NOPE'], io, {}), 1);
    assert.match(io.errors(), /BANK_NOT_FOUND: bank 'NOPE' not found/);
    const known = captureIo();
    assert.equal(await runCli([...args, '--banks', 'FIRST_BANK'], known, {}), 0, known.errors());
    assert.match(known.output(), /"matches":\[\]/);
  });

  test('prevail keys revoke of a key that does not exist is KEY_NOT_FOUND (exit 1, not a usage error)', async () => {
    const io = captureIo();
    assert.equal(await runCli(['keys', 'revoke', '999999', '--data-dir', first], io, {}), 1);
    assert.match(io.errors(), /KEY_NOT_FOUND: no active key has id 999999/);
  });
});
