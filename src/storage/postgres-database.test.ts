/**
 * `openPostgresDatabase` turns PostgreSQL's JIT off on every pooled connection: Prevail's
 * statements are short, and a JIT compile of one cost a worker's per-batch read 100 times its run
 * (docs/deployment.md). It is a session setting: the server's own is untouched for other clients.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { postgresConnectionString, postgresSkipReason } from '../../test/support/postgres.js';
import { openPostgresDatabase } from './postgres-database.js';

const skip = await postgresSkipReason();

describe('PostgreSQL connections', { skip: skip === false ? undefined : skip }, () => {
  test('every pooled connection runs with jit off', async () => {
    const { kysely } = await openPostgresDatabase({
      connectionString: postgresConnectionString,
      location: 'test',
      schema: undefined,
    });
    try {
      // Several at once, so the pool opens more than one connection.
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          kysely.transaction().execute(async (trx) => (await sql<{ jit: string }>`show jit`.execute(trx)).rows[0]?.jit),
        ),
      );
      assert.deepEqual(answers, ['off', 'off', 'off', 'off']);
    } finally {
      await kysely.destroy();
    }
  });
});
