import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ActionReceiver, startActionReceiver } from '../support/action-receiver.js';
import { actionSecret, openActionRig, privateSession, writeActionPolicy } from '../support/action-rig.js';

const childScript = fileURLToPath(new URL('../support/action-child.ts', import.meta.url));

/** Starts Prevail in a child process and resolves once it printed `line`. */
async function startChild(mode: 'commit' | 'send', dataDir: string, policyDir: string, line: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, mode, dataDir, policyDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PREVAIL_LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(line)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the child exited ${code}: ${err.slice(-2000)}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

describe('actions across a SIGKILL of Prevail: exactly one effective delivery', () => {
  let dir: string;
  let receiver: ActionReceiver;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-actions-crash-'));
    receiver = await startActionReceiver(actionSecret);
    await writeActionPolicy(join(dir, 'policy'), receiver.url, { timeoutMs: 500 });
  });

  afterEach(async () => {
    if (child !== undefined) await kill(child);
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('killed after the commit and before the send: the next process sends it once', async () => {
    child = await startChild('commit', join(dir, 'data'), join(dir, 'policy'), 'committed');
    await kill(child);
    assert.equal(receiver.requests.length, 0);
    const rig = await openActionRig(join(dir, 'data'), join(dir, 'policy'));
    try {
      await rig.engine.drain();
      await rig.dispatcher().drain();
      assert.equal(receiver.requests.length, 1);
      assert.equal(receiver.effective.size, 1);
      assert.equal((await rig.storage.outbox.list({ status: 'delivered', limit: 10 })).length, 1);
    } finally {
      await rig.close();
    }
  });

  test('killed after the request left and before its outcome was stored: sent again with the same key and body, acted on once', async () => {
    const first = await openActionRig(join(dir, 'data'), join(dir, 'policy'));
    await first.engine.ingest([privateSession('evt-crash-2', 'host-m', 'stream-m')], { wait: true });
    await first.close();
    receiver.setMode({ kind: 'hold' });
    child = await startChild('send', join(dir, 'data'), join(dir, 'policy'), 'sending');
    await receiver.waitForRequests(1);
    await kill(child);
    // The platform acts on the request it got; its answer goes to a dead process.
    receiver.setMode({ kind: 'ok' });
    receiver.release();
    const rig = await openActionRig(join(dir, 'data'), join(dir, 'policy'));
    try {
      const dispatcher = rig.dispatcher();
      // The dead process's lease (1 s) must lapse before the row is due again.
      for (
        let tries = 0;
        tries < 50 && (await rig.storage.outbox.list({ status: 'delivered', limit: 1 })).length === 0;
        tries++
      ) {
        await dispatcher.drain();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(receiver.requests.length, 2, 'sent twice: at least once');
      assert.equal(receiver.requests[0]?.idempotencyKey, receiver.requests[1]?.idempotencyKey);
      assert.equal(receiver.requests[0]?.body, receiver.requests[1]?.body);
      assert.equal(receiver.effective.size, 1, 'acted on once: the receiver dedups by Idempotency-Key');
      const [row] = await rig.storage.outbox.list({ status: 'delivered', limit: 1 });
      assert.equal(row?.attempts, 1, 'the killed attempt left no record; the second is the first recorded');
    } finally {
      await rig.close();
    }
  });
});
