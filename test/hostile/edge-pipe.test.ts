import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { patternImage } from '../support/images.js';

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
