import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkReadiness } from './readiness.js';

describe('checkReadiness', () => {
  test('ready when the index is loaded, the database answers and the engine is not failing', async () => {
    const readiness = await checkReadiness({
      indexReady: () => true,
      pingDatabase: async () => undefined,
      engineStoreError: () => null,
    });
    assert.deepEqual(readiness, { ready: true, checks: { index: 'ok', database: 'ok', engine: 'ok' } });
  });

  test('not ready while the index loads', async () => {
    const readiness = await checkReadiness({ indexReady: () => false, pingDatabase: async () => undefined });
    assert.deepEqual(readiness, { ready: false, checks: { index: 'loading', database: 'ok', engine: 'absent' } });
  });

  test('a failing database is unreachable, its error goes to the callback and not into the answer', async () => {
    const seen: unknown[] = [];
    const readiness = await checkReadiness({
      indexReady: () => true,
      pingDatabase: async () => {
        throw new Error('connect ECONNREFUSED db.internal:5432');
      },
      onDatabaseError: (error) => seen.push(error),
    });
    assert.equal(readiness.ready, false);
    assert.equal(readiness.checks.database, 'unreachable');
    assert.equal(seen.length, 1);
    assert.doesNotMatch(JSON.stringify(readiness), /db\.internal/);
  });

  test('a database that never answers is a timeout, within the deadline', async () => {
    const readiness = await checkReadiness(
      { indexReady: () => true, pingDatabase: () => new Promise<void>(() => undefined) },
      20,
    );
    assert.equal(readiness.ready, false);
    assert.equal(readiness.checks.database, 'timeout');
  });

  test('an engine stuck on a failing store makes the server not ready', async () => {
    const readiness = await checkReadiness({
      indexReady: () => true,
      pingDatabase: async () => undefined,
      engineStoreError: () => 'the engine store failed: disk I/O error',
    });
    assert.deepEqual(readiness, { ready: false, checks: { index: 'ok', database: 'ok', engine: 'failing' } });
  });

  test('without a database check or engine, the index alone decides', async () => {
    assert.deepEqual(await checkReadiness({ indexReady: () => true }), {
      ready: true,
      checks: { index: 'ok', database: 'absent', engine: 'absent' },
    });
  });
});
