import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EngineError, type ErrorCode } from '../core/index.js';
import { openStorage } from './index.js';
import { resolveStorageTarget } from './storage-target.js';

async function rejectsWithCode(work: Promise<unknown>, code: ErrorCode, check?: (message: string) => void) {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    assert.equal(error.code, code);
    check?.(error.message);
    return true;
  });
}

describe('resolveStorageTarget', () => {
  test('no URL means SQLite in <dataDir>/prevail.sqlite, ./data by default', () => {
    const target = resolveStorageTarget({});
    assert.equal(target.dialect, 'sqlite');
    assert.equal(target.location, join(process.cwd(), 'data', 'prevail.sqlite'));
    const empty = resolveStorageTarget({ dataDir: '/srv/prevail', databaseUrl: '' });
    assert.equal(empty.location, '/srv/prevail/prevail.sqlite');
  });

  test('PostgreSQL locations never carry credentials', () => {
    for (const [url, location] of [
      ['postgres://alice:s3cret@db.example:6543/prevail', 'postgres://db.example:6543/prevail'],
      ['postgresql://alice@db.example/prevail?sslmode=require', 'postgres://db.example:5432/prevail'],
      ['postgres:///prevail?host=/run/postgresql', 'postgres://localhost:5432/prevail?host=/run/postgresql'],
    ] as const) {
      const target = resolveStorageTarget({ databaseUrl: url });
      assert.equal(target.dialect, 'postgres');
      assert.equal(target.location, location);
      assert.doesNotMatch(target.location, /s3cret|alice/);
    }
  });

  test('keeps a user given in the URL', () => {
    const target = resolveStorageTarget({ databaseUrl: 'postgres://alice:pw@h/db' });
    assert.ok(target.dialect === 'postgres');
    assert.equal(new URL(target.connectionString).username, 'alice');
    assert.equal(new URL(target.connectionString).password, 'pw');
  });

  test('fills in the operating-system user, as libpq does, when neither the URL nor PGUSER names one', {
    skip: process.env.PGUSER ? 'PGUSER is set, so node-postgres uses it' : false,
  }, () => {
    const target = resolveStorageTarget({ databaseUrl: 'postgres://h/db' });
    assert.ok(target.dialect === 'postgres');
    assert.notEqual(new URL(target.connectionString).username, '');
    assert.equal(target.location, 'postgres://h:5432/db');
  });

  test('rejects other schemes, malformed URLs and unsafe schema names', () => {
    for (const databaseUrl of ['mysql://h/db', 'sqlite:///tmp/x.db', 'http://h/db', 'not a url']) {
      assert.throws(
        () => resolveStorageTarget({ databaseUrl }),
        (error: unknown) => error instanceof EngineError && error.code === 'CONFIG_INVALID',
      );
    }
    for (const schema of ['Test', 'a-b', 'x; drop table banks', '1abc', '', 'x'.repeat(64)]) {
      assert.throws(
        () => resolveStorageTarget({ databaseUrl: 'postgres://h/db', schema }),
        (error: unknown) => error instanceof EngineError && error.code === 'CONFIG_INVALID',
      );
    }
    assert.doesNotThrow(() => resolveStorageTarget({ databaseUrl: 'postgres://h/db', schema: 'test_0a1b' }));
  });
});

describe('openStorage failures', () => {
  const directories: string[] = [];
  after(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  test('an unsupported URL scheme is CONFIG_INVALID', async () => {
    await rejectsWithCode(openStorage({ databaseUrl: 'mysql://root@localhost/prevail' }), 'CONFIG_INVALID', (m) =>
      assert.match(m, /mysql:/),
    );
  });

  test('an unreachable PostgreSQL server is STORAGE_UNAVAILABLE, naming host and database but not the password', async () => {
    await rejectsWithCode(
      openStorage({ databaseUrl: 'postgres://alice:hunter2@127.0.0.1:1/prevail_db' }),
      'STORAGE_UNAVAILABLE',
      (message) => {
        assert.match(message, /127\.0\.0\.1:1\/prevail_db/);
        assert.doesNotMatch(message, /hunter2/);
      },
    );
  });

  test('a data directory that cannot be created is STORAGE_UNAVAILABLE', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-storage-'));
    directories.push(directory);
    const blocker = join(directory, 'occupied');
    await writeFile(blocker, 'a file where the data directory should be');
    await rejectsWithCode(openStorage({ dataDir: join(blocker, 'data') }), 'STORAGE_UNAVAILABLE', (message) =>
      assert.match(message, /occupied/),
    );
  });

  test('creates the data directory and the SQLite file when missing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-storage-'));
    directories.push(directory);
    const storage = await openStorage({ dataDir: join(directory, 'nested', 'data') });
    try {
      assert.equal(storage.dialect, 'sqlite');
      assert.equal(storage.location, join(directory, 'nested', 'data', 'prevail.sqlite'));
      assert.deepEqual(await storage.banks.listBanks(), []);
    } finally {
      await storage.close();
    }
  });
});
