/**
 * docs/deployment.md § 12, "The same steps by hand": the fenced block between the
 * `<!-- two-workers: begin -->` and `<!-- two-workers: end -->` markers is read from the doc and
 * run line by line, in its order, through bash: an empty private PostgreSQL database, a private
 * nats-server, the first admin key, `prevail serve --events`, two `prevail worker`s, an ingest
 * over HTTP with the key, the case, the entity and the dead letters read back over `/v1`. Only
 * the `export` values are the test's own (free ports, temporary directories, its database); an
 * exported name the test does not know, or one it expects and the doc dropped, fails. `prevail`
 * is a wrapper on PATH that runs this checkout's CLI (src/cli/main.ts through tsx).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { stopChild } from '../support/child-process.js';
import { examplePolicy } from '../support/engine-harness.js';
import { freePort } from '../support/free-port.js';
import { natsSkipReason } from '../support/nats-server.js';
import { createPrivateDatabase, postgresSkipReason } from '../support/postgres.js';
import { childEnvironment } from '../support/prevail-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cliEntry = join(root, 'src/cli/main.ts');
const skip = natsSkipReason() ?? (await postgresSkipReason());

/** The doc's block, one command per line (blank lines dropped). */
async function documentedCommands(): Promise<string[]> {
  const doc = await readFile(join(root, 'docs/deployment.md'), 'utf8');
  const found = /<!-- two-workers: begin -->\n```sh\n([\s\S]*?)\n```\n<!-- two-workers: end -->/.exec(doc);
  assert.ok(found?.[1], 'docs/deployment.md holds the two-workers block');
  return found[1].split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** What a line that runs to its end printed. */
interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runLine(script: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -eo pipefail\n${script}`], { cwd: root, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The doc's mark on a line that may need running again (a worker commits a moment after the ingest). */
const againMark = '# again until it answers';

/** Runs a line; one the doc marks with `againMark` is run again until it succeeds (bounded: 120 × 250 ms). */
async function runUntilAnswered(script: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  let last = await runLine(script, env);
  for (let i = 0; i < 120 && last.code !== 0 && script.includes(againMark); i++) {
    await pause(250);
    last = await runLine(script, env);
  }
  return last;
}

/** A line ending in `&`: started, and resolved once ready (what "ready" is depends on the program). */
interface Background {
  readonly line: string;
  readonly child: ChildProcess;
  stderr(): string;
}

async function startBackground(line: string, env: NodeJS.ProcessEnv): Promise<Background> {
  const command = line.replace(/\s*&$/, '');
  const child = spawn('bash', ['-c', `exec ${command}`], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const started: Background = { line, child, stderr: () => stderr };
  // Bounded: 240 × 250 ms.
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) assert.fail(`"${line}" exited (${child.exitCode}):\n${stderr}`);
    if (command.startsWith('nats-server')) {
      const ready = await connect({ servers: `nats://127.0.0.1:${env.NATS_PORT}`, timeout: 500, reconnect: false })
        .then((connection) => connection.close().then(() => true))
        .catch(() => false);
      if (ready) return started;
    } else if (command.startsWith('prevail serve')) {
      if (stderr.includes('prevail listening on')) return started;
    } else if (command.startsWith('prevail worker')) {
      if (stderr.includes('prevail worker consuming')) return started;
    } else assert.fail(`the test does not know when "${line}" is ready`);
    await pause(250);
  }
  assert.fail(`"${line}" did not become ready:\n${stderr}`);
}

describe('docs/deployment.md § 12 by hand: two workers on PostgreSQL and NATS', {
  skip: skip === false ? undefined : skip,
  timeout: 300_000,
}, () => {
  test('the documented commands, in order, give a case and its events over /v1', async () => {
    const commands = await documentedCommands();
    const dir = await mkdtemp(join(tmpdir(), 'prevail-two-workers-'));
    const database = await createPrivateDatabase('prevail_two_workers');
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'prevail'), `#!/bin/sh\nexec "${process.execPath}" --import tsx "${cliEntry}" "$@"\n`);
    await chmod(join(bin, 'prevail'), 0o755);
    /** The test's value of every name the block exports. */
    const exported: Record<string, string> = {
      PREVAIL_DATABASE_URL: database.url,
      PREVAIL_POLICY_DIR: examplePolicy,
      PREVAIL_DATA_DIR: join(dir, 'data'),
      PREVAIL_PORT: String(await freePort()),
      NATS_STORE: join(dir, 'nats'),
      NATS_PORT: String(await freePort()),
    };
    const env = childEnvironment({});
    env.PATH = `${bin}:${env.PATH ?? ''}:/usr/sbin:/sbin`;
    const background: Background[] = [];
    const outputs = new Map<string, string>();
    try {
      for (const line of commands) {
        const exportLine = /^export ([A-Z_]+)=/.exec(line);
        if (exportLine?.[1] !== undefined) {
          const value = exported[exportLine[1]];
          assert.ok(value !== undefined, `the test has no value for ${exportLine[1]} (exported by the doc)`);
          env[exportLine[1]] = value;
          continue;
        }
        if (line.endsWith('&')) {
          background.push(await startBackground(line, env));
          continue;
        }
        const assignment = /^([A-Z_]+)=\$\(/.exec(line);
        if (assignment?.[1] !== undefined) {
          // `NAME=$(…)`: kept for the lines after it.
          const last = await runUntilAnswered(`${line}\nprintf %s "$${assignment[1]}"`, env);
          assert.equal(last.code, 0, `"${line}" failed:\n${last.stderr}`);
          assert.ok(last.stdout, `"${line}" set ${assignment[1]} to nothing`);
          env[assignment[1]] = last.stdout;
          outputs.set(line, last.stdout);
          continue;
        }
        const done = await runUntilAnswered(line, env);
        assert.equal(done.code, 0, `"${line}" failed (${done.code}):\n${done.stdout}\n${done.stderr}`);
        outputs.set(line, done.stdout);
      }
      for (const name of Object.keys(exported))
        assert.ok(env[name] === exported[name], `the doc no longer exports ${name}`);
      assert.equal(background.filter((item) => item.line.startsWith('prevail worker')).length, 2, 'two workers');

      const output = (start: string) => {
        const found = [...outputs.entries()].find(([line]) => line.startsWith(start) || line.includes(start));
        assert.ok(found, `the doc runs a line with ${start}`);
        return found[1];
      };
      assert.equal(output('prevail keys list'), '', 'an empty database has no key yet');
      assert.match(env.KEY ?? '', /\S{20,}/, 'the first admin key');
      const ingest = JSON.parse(output('/v1/events"')) as { accepted: number };
      assert.equal(ingest.accepted, 2);
      assert.match(env.CASE ?? '', /^\d+$/, 'a case opened for the match');
      const shown = output('/v1/cases/$CASE');
      assert.match(shown, /first-match-1/, 'the case shows the match');
      assert.match(output('/v1/entities/user/u-first'), /payment_account:acct-first/, "the entity's link");
      assert.deepEqual(JSON.parse(output('/v1/dead-letters')), { deadLetters: [], next: null });

      const workers = background.filter((item) => item.line.startsWith('prevail worker'));
      for (const worker of workers) await stopChild(worker.child, 20_000);
      const processed = workers.map((worker) =>
        Number(/worker stopped: (\d+) processed/.exec(worker.stderr())?.[1] ?? Number.NaN),
      );
      process.stdout.write(`two workers processed ${JSON.stringify(processed)} events; case ${env.CASE}\n`);
      assert.equal(
        processed.reduce((sum, n) => sum + n, 0),
        2,
        'the two workers together processed each event once',
      );
    } finally {
      for (const item of background.reverse()) await stopChild(item.child, 20_000);
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
