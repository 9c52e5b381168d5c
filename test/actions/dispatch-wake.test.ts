import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openActionRig, privateSession, writeActionPolicy } from '../support/action-rig.js';

describe('the engine tells of committed actions (the server wakes the dispatcher with it)', () => {
  let dir: string;
  let rig: Awaited<ReturnType<typeof openActionRig>>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-actions-wake-'));
    await writeActionPolicy(join(dir, 'policy'), 'http://127.0.0.1:9/hooks/prevail');
    rig = await openActionRig(join(dir, 'data'), join(dir, 'policy'));
  });

  after(async () => {
    await rig.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('once per commit that wrote outbox rows, after they are readable; never for one that wrote none', async () => {
    const seen: number[] = [];
    let calls = 0;
    rig.engine.onActionsCommitted(() => {
      calls++;
      // Synchronous, after the commit: the rows are there for a dispatcher woken now.
      void rig.storage.outbox.countsByEndpoint('pending').then((counts) => seen.push(counts.get('platform') ?? 0));
    });
    rig.engine.onActionsCommitted(() => {
      throw new Error('a broken listener changes nothing');
    });
    await rig.engine.ingest([privateSession('evt-w1', 'host-w', 'stream-w')], { wait: true });
    const publicSession = {
      ...privateSession('evt-w2', 'host-w', 'stream-w'),
      data: { kind: 'stream', visibility: 'public' },
    };
    await rig.engine.ingest([publicSession], { wait: true });
    await rig.engine.drain();
    for (let turn = 0; turn < 50 && seen.length < 1; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(calls, 1);
    assert.deepEqual(seen, [1], 'one wake, for the private session (its active end_stream row is pending)');
  });
});
