/**
 * The server's periodic purges run in the job runner: a purge that fails (the database away)
 * is logged and retried, never an unhandled rejection that would stop the process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Services } from '../../src/app/index.js';
import type { JobLogger } from '../../src/jobs/index.js';
import { retentionJobs } from '../../src/main.js';

test('a failing retention purge is caught, logged and retried, never an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const logged: { level: string; obj: object }[] = [];
    const logger: JobLogger = {
      info: (obj) => logged.push({ level: 'info', obj }),
      warn: (obj) => logged.push({ level: 'warn', obj }),
      error: (obj) => logged.push({ level: 'error', obj }),
    };
    let caseCalls = 0;
    let evidenceCalls = 0;
    const services = {
      cases: {
        purgeExpired: async () => {
          caseCalls++;
          if (caseCalls === 1) throw new Error('connection terminated');
          return [7];
        },
      },
      evidence: {
        purgeExpired: async () => {
          evidenceCalls++;
          throw new Error('disk gone');
        },
      },
    } as unknown as Services;
    const waits: number[] = [];
    const jobs = retentionJobs(services, { logger, sleep: async (ms) => void waits.push(ms) });
    const cases = await jobs.runNow('cases.purge');
    assert.deepEqual([cases.ok, cases.attempts, cases.result], [true, 2, [7]]);
    const evidence = await jobs.runNow('evidence.purge');
    assert.equal(evidence.ok, false);
    assert.equal(evidenceCalls, 4, 'first try and three retries');
    assert.deepEqual(waits, [1000, 1000, 2000, 4000], 'backoff: one wait for cases, three growing ones for evidence');
    assert.ok(logged.some((line) => line.level === 'error' && (line.obj as { job?: string }).job === 'evidence.purge'));
    await jobs.stop();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
