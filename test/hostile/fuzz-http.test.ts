import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port.js';
import { sharedRoot } from '../support/shared-schemas.js';

/**
 * The shared hostile-input sweep (`../shared/tools/fuzz-http`) against a real `prevail serve`
 * child process with the example policy and an admin key: every route of its OpenAPI document
 * gets malformed, deep, huge and odd input. Any 5xx, dropped connection, slow answer or death of
 * the server fails the test, with the findings printed. Bounded in requests and seconds.
 */

const run = promisify(execFile);
const fuzzer = join(sharedRoot, 'tools', 'fuzz-http');
const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const examplePolicy = fileURLToPath(new URL('../../examples/policy', import.meta.url));
const pythonAvailable = spawnSync('python3', ['--version']).status === 0;
const skipReason: string | false = !existsSync(fuzzer)
  ? `the shared fuzzer is absent (${fuzzer}); set PREVAIL_SHARED_DIR to the shared folder`
  : !pythonAvailable
    ? 'python3 is not installed (the shared fuzzer is a Python script)'
    : false;
if (skipReason) process.stdout.write(`# fuzz-http sweep skipped: ${skipReason}\n`);

/** Runs the Prevail CLI from source (as the tests do) with `args`. */
function cli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the server's URL once it prints its listening line (60 s at most). */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${printed}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
      if (found?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${printed}`));
    });
  });
}

describe('fuzz-http sweep of prevail serve', { skip: skipReason }, () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  let base: string;
  let key: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prevail-fuzz-'));
    const created = await run(process.execPath, [
      '--import',
      'tsx',
      cliEntry,
      'keys',
      'create',
      'fuzzer',
      '--scopes',
      'admin',
      '--data-dir',
      dataDir,
    ]);
    key = (JSON.parse(created.stdout) as { secret: string }).secret;
    server = cli(['serve', '--port', String(await freePort()), '--data-dir', dataDir, '--policy', examplePolicy]);
    base = await listeningUrl(server);
  });

  after(async () => {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  test('no route answers 5xx, drops the connection, hangs or kills the server', { timeout: 300_000 }, async () => {
    const findingsFile = join(dataDir, 'findings.json');
    const sweep = spawnSync(
      'python3',
      [
        fuzzer,
        '--base',
        base,
        '--key',
        key,
        '--pid',
        String(server?.pid),
        '--max-requests',
        '6000',
        '--max-seconds',
        '180',
        '--slow',
        '5',
        '--out',
        findingsFile,
      ],
      { encoding: 'utf8', timeout: 240_000 },
    );
    const summary = sweep.stdout.trim().split('\n').slice(-2).join('; ');
    const findings = existsSync(findingsFile) ? (JSON.parse(await readFile(findingsFile, 'utf8')) as unknown[]) : [];
    assert.equal(
      sweep.status,
      0,
      `fuzz-http found ${findings.length} problem(s) (${summary}):\n${findings
        .slice(0, 40)
        .map((finding) => JSON.stringify(finding).slice(0, 300))
        .join('\n')}\n${sweep.stderr}`,
    );
    assert.equal(server?.exitCode, null, 'the server is still running');
  });
});
