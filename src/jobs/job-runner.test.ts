import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type JobLogger, JobRunner } from './index.js';

function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const logger: JobLogger = {
    info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
  return { logger, lines };
}

describe('JobRunner', () => {
  test('a failing job is caught, logged and retried with backoff, never an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { logger, lines } = recordingLogger();
      const waits: number[] = [];
      const jobs = new JobRunner({
        logger,
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
      let calls = 0;
      jobs.add({
        name: 'flaky',
        everyMs: 5,
        retries: 3,
        backoffMs: 100,
        maxBackoffMs: 250,
        run: async () => {
          calls++;
          if (calls < 4) throw new Error(`database away (${calls})`);
          return 'done';
        },
      });
      jobs.add({
        name: 'broken',
        everyMs: 5,
        retries: 1,
        backoffMs: 1,
        run: () => Promise.reject(new Error('always')),
      });
      const flaky = await jobs.runNow('flaky');
      assert.deepEqual([flaky.ok, flaky.attempts, flaky.result], [true, 4, 'done']);
      assert.deepEqual(waits, [100, 200, 250], 'exponential backoff, capped');
      assert.deepEqual(
        lines.filter((line) => line.level === 'warn').map((line) => line.obj.attempt),
        [1, 2, 3],
      );
      const broken = await jobs.runNow('broken');
      assert.deepEqual([broken.ok, broken.attempts, broken.error], [false, 2, 'always']);
      const failure = lines.find((line) => line.level === 'error');
      assert.equal(failure?.obj.job, 'broken');
      assert.deepEqual(failure?.obj.err, { name: 'Error', message: 'always' });

      // Periodic runs: the broken job keeps failing on its timer and is only logged.
      jobs.start();
      for (let i = 0; i < 100 && lines.filter((line) => line.obj.job === 'broken').length < 8; i++)
        await new Promise((resolve) => setTimeout(resolve, 5));
      await jobs.stop();
      assert.ok(lines.filter((line) => line.obj.job === 'broken').length >= 8, 'it ran again on its period');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('a throwing logger or a synchronous throw does not escape either', async () => {
    const throwing: JobLogger = {
      info: () => {
        throw new Error('log down');
      },
      warn: () => {
        throw new Error('log down');
      },
      error: () => {
        throw new Error('log down');
      },
    };
    const jobs = new JobRunner({ logger: throwing, sleep: async () => undefined });
    jobs.add({
      name: 'sync',
      everyMs: 1000,
      retries: 1,
      run: () => {
        throw new Error('sync');
      },
    });
    const run = await jobs.runNow('sync');
    assert.deepEqual([run.ok, run.attempts], [false, 2]);
    assert.equal((await jobs.runNow('missing')).ok, false);
    await jobs.stop();
  });
  test('wake runs a job at once, and once more after a run in flight (which may have missed the new work)', async () => {
    const jobs = new JobRunner({ logger: recordingLogger().logger });
    let runs = 0;
    let release: () => void = () => undefined;
    const gates: Promise<void>[] = [];
    jobs.add({
      name: 'send',
      everyMs: 3_600_000,
      run: () => {
        runs++;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        gates.push(gate);
        return gate;
      },
    });
    jobs.start();
    jobs.wake('send');
    assert.equal(runs, 1, 'no run in flight: it runs now');
    // Three wakes during that run: one follow-up run, after it.
    jobs.wake('send');
    jobs.wake('send');
    jobs.wake('send');
    assert.equal(runs, 1, 'runs never overlap');
    release();
    for (let turn = 0; turn < 20 && runs < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runs, 2, 'one follow-up for the three wakes');
    release();
    jobs.wake('missing');
    await jobs.stop();
    jobs.wake('send');
    assert.equal(runs, 2, 'a stopped runner runs nothing');
  });
});
