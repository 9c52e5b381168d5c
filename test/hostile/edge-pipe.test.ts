import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/index.js';
import { ffmpegPath } from '../../src/video/index.js';
import { captureIo } from '../support/capture-io.js';
import { patternImage } from '../support/images.js';
import { ffmpegSkipReason } from '../support/stream-clip.js';

const run = promisify(execFile);
const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * Runs the real `prevail` process with its stdout piped into a reader that has already gone
 * (`| head -c0`): every write meets a closed pipe. Resolves to the exit status and stderr.
 */
function runWithClosedReader(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('Piping output crashes', () => {
  let dataDir: string;
  let image: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prevail-edge-pipe-'));
    image = join(dataDir, 'pattern.png');
    await writeFile(image, await patternImage(64, 64, 'png', 3));
    const io = captureIo();
    assert.equal(await runCli(['bank', 'create', 'PIPE_BANK', '--data-dir', dataDir], io), 0, io.errors());
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  test('a closed pipe ends watch quietly too', { skip: ffmpegSkipReason() }, async () => {
    const clip = join(dataDir, 'clip.mp4');
    await run(ffmpegPath(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=160x90:d=3',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    const outcome = await runWithClosedReader(['watch', clip, '--debug', '--data-dir', dataDir]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.doesNotMatch(outcome.stderr, /EPIPE|Error:|\n\s+at /);
  });

  test('a full disk ends a command with one line and exit 1, no stack', {
    skip: !existsSync('/dev/full') && 'no /dev/full here',
  }, async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const outcome = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'bank', 'list', '--data-dir', dataDir], {
          stdio: ['ignore', full, 'pipe'],
        });
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
      });
      assert.equal(outcome.code, 1, outcome.stderr);
      assert.match(outcome.stderr, /^prevail: .*ENOSPC.*\n$/);
    } finally {
      closeSync(full);
    }
  });

  test('a closed pipe ends bank list, bank show, hash and match quietly, with no EPIPE stack', async () => {
    const commands = [
      ['bank', 'list', '--data-dir', dataDir],
      ['bank', 'show', 'PIPE_BANK', '--data-dir', dataDir],
      ['hash', image],
      ['match', '--signal-type', 'md5', '--hash', 'd41d8cd98f00b204e9800998ecf8427e', '--data-dir', dataDir],
    ];
    const outcomes = await Promise.all(commands.map((args) => runWithClosedReader(args)));
    for (const [index, outcome] of outcomes.entries()) {
      const name = commands[index]?.slice(0, 2).join(' ');
      assert.equal(outcome.code, 0, `${name}: exit ${outcome.code}; stderr: ${outcome.stderr}`);
      assert.doesNotMatch(outcome.stderr, /EPIPE|Error:|\n\s+at /, `${name} printed: ${outcome.stderr}`);
    }
  });
});
