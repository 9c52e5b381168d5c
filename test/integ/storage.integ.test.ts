/**
 * One repository suite, run against SQLite (a temporary directory) and PostgreSQL (a fresh
 * schema per store, dropped afterwards). PostgreSQL is `$PREVAIL_TEST_DATABASE_URL` or
 * `postgres://127.0.0.1:5432/test`. When it cannot be reached the PostgreSQL half is skipped
 * with the reason printed, except under CI (env `CI` set), where it runs and fails.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Client, escapeIdentifier } from 'pg';
import type { NewContent, StoredSignal } from '../../src/banks/index.js';
import { EngineError, type ErrorCode } from '../../src/core/index.js';
import { openStorage, resolveStorageTarget, type Storage, storageMigrations } from '../../src/storage/index.js';

const postgresUrl = process.env.PREVAIL_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

/** The URL as the store connects with it (the OS user filled in when the URL names none). */
function adminConnectionString(): string {
  const target = resolveStorageTarget({ databaseUrl: postgresUrl });
  assert.ok(target.dialect === 'postgres', 'PREVAIL_TEST_DATABASE_URL must be a postgres:// URL');
  return target.connectionString;
}

/** A store factory for one dialect; every store it opens is fresh and is cleaned up after. */
interface Harness {
  readonly dialect: 'sqlite' | 'postgres';
  /** Why the suite is skipped, or false. */
  readonly skip: string | false;
  /** A fresh, empty store. */
  open(): Promise<Storage>;
  /** Opens the same database again (SQLite file / PostgreSQL schema) as `storage`. */
  reopen(storage: Storage): Promise<Storage>;
  /** The rows of Kysely's migration table for `storage`'s database, read around the store. */
  migrationRecords(storage: Storage): Promise<Array<{ name: string; timestamp: string }>>;
  /** Closes every store opened since the last call. */
  closeAll(): Promise<void>;
  /** Removes every database it created. */
  cleanup(): Promise<void>;
}

function sqliteHarness(): Harness {
  const directories = new Map<Storage, string>();
  const open: Storage[] = [];
  const openIn = async (dataDir: string): Promise<Storage> => {
    const storage = await openStorage({ dataDir });
    directories.set(storage, dataDir);
    open.push(storage);
    return storage;
  };
  const directoryOf = (storage: Storage): string => {
    const directory = directories.get(storage);
    assert.ok(directory !== undefined, 'store not opened by this harness');
    return directory;
  };
  return {
    dialect: 'sqlite',
    skip: false,
    open: async () => openIn(await mkdtemp(join(tmpdir(), 'prevail-storage-'))),
    reopen: (storage) => openIn(directoryOf(storage)),
    async migrationRecords(storage) {
      const connection = new BetterSqlite3(join(directoryOf(storage), 'prevail.sqlite'), { readonly: true });
      try {
        return connection
          .prepare<[], { name: string; timestamp: string }>(
            'select name, timestamp from kysely_migration order by name',
          )
          .all();
      } finally {
        connection.close();
      }
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((storage) => storage.close()));
    },
    async cleanup() {
      for (const directory of new Set(directories.values())) await rm(directory, { recursive: true, force: true });
    },
  };
}

async function postgresSkipReason(): Promise<string | false> {
  const client = new Client({ connectionString: adminConnectionString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return false;
  } catch (error) {
    // Under CI the PostgreSQL half must run (and fail) rather than be skipped.
    if (process.env.CI !== undefined) return false;
    const reason = error instanceof Error ? error.message : String(error);
    return `PostgreSQL unreachable at ${new URL(postgresUrl).host} (${reason}); set PREVAIL_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresHarness(skip: string | false): Harness {
  const schemas = new Map<Storage, string>();
  const open: Storage[] = [];
  const openIn = async (schema: string): Promise<Storage> => {
    const storage = await openStorage({ databaseUrl: postgresUrl, schema });
    schemas.set(storage, schema);
    open.push(storage);
    return storage;
  };
  const schemaOf = (storage: Storage): string => {
    const schema = schemas.get(storage);
    assert.ok(schema !== undefined, 'store not opened by this harness');
    return schema;
  };
  const withClient = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: adminConnectionString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    dialect: 'postgres',
    skip,
    open: () => openIn(`test_${randomBytes(6).toString('hex')}`),
    reopen: (storage) => openIn(schemaOf(storage)),
    migrationRecords: (storage) =>
      withClient(async (client) => {
        const table = `${escapeIdentifier(schemaOf(storage))}.kysely_migration`;
        const result = await client.query<{ name: string; timestamp: string }>(
          `select name, timestamp from ${table} order by name`,
        );
        return result.rows;
      }),
    async closeAll() {
      await Promise.all(open.splice(0).map((storage) => storage.close()));
    },
    async cleanup() {
      const created = [...new Set(schemas.values())];
      if (created.length === 0) return;
      await withClient(async (client) => {
        for (const schema of created) await client.query(`drop schema if exists ${escapeIdentifier(schema)} cascade`);
      });
    },
  };
}

/** A 64-hex PDQ-shaped value, distinct per `n`. */
function hex(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function pdqItem(n: number, extra: Partial<NewContent> = {}): NewContent {
  return { signals: { pdq: hex(n) }, ...extra };
}

async function rejectsWithCode(work: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

async function collect(batches: AsyncIterable<StoredSignal[]>): Promise<StoredSignal[][]> {
  const all: StoredSignal[][] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

function repositorySuite(harness: Harness): void {
  describe(`storage repositories on ${harness.dialect}`, { skip: harness.skip }, () => {
    afterEach(() => harness.closeAll());
    after(() => harness.cleanup());

    test('reports its dialect and a location without credentials', async () => {
      const storage = await harness.open();
      assert.equal(storage.dialect, harness.dialect);
      if (harness.dialect === 'sqlite') {
        assert.match(storage.location, /prevail\.sqlite$/);
      } else {
        assert.match(storage.location, /^postgres:\/\/[^@/]+:\d+\/[^/]+$/);
      }
    });

    test('creates banks with defaults and finds them by id and by name', async () => {
      const { banks } = await harness.open();
      const plain = await banks.createBank({ name: 'PLAIN' });
      assert.deepEqual(
        { ...plain, createdAt: '', updatedAt: '' },
        {
          id: plain.id,
          name: 'PLAIN',
          description: '',
          enabledRatio: 1,
          pdqThreshold: 31,
          negative: false,
          videoViews: [],
          videoSignals: [],
          createdAt: '',
          updatedAt: '',
        },
      );
      assert.ok(!Number.isNaN(Date.parse(plain.createdAt)));
      const custom = await banks.createBank({
        name: 'CUSTOM',
        description: 'a test list',
        enabledRatio: 0.25,
        pdqThreshold: 20,
        negative: true,
        videoViews: ['corners'],
        videoSignals: ['tmk_pdqf'],
      });
      assert.deepEqual(custom.videoViews, ['corners']);
      assert.deepEqual(custom.videoSignals, ['tmk_pdqf']);
      assert.equal(custom.enabledRatio, 0.25);
      assert.equal(custom.pdqThreshold, 20);
      assert.equal(custom.negative, true);
      assert.deepEqual(await banks.getBankById(custom.id), custom);
      assert.deepEqual(await banks.getBankByName('CUSTOM'), custom);
      assert.equal(await banks.getBankByName('custom'), undefined);
      assert.equal(await banks.getBankById(9_999), undefined);
      assert.deepEqual(
        (await banks.listBanks()).map((bank) => bank.name),
        ['PLAIN', 'CUSTOM'],
      );
      assert.deepEqual((await banks.updateBank(custom.id, { videoViews: [] })).videoViews, []);
      assert.deepEqual((await banks.updateBank(custom.id, { videoViews: ['corners'] })).videoViews, ['corners']);
      assert.deepEqual((await banks.getBankById(custom.id))?.videoViews, ['corners']);
      assert.deepEqual((await banks.updateBank(custom.id, { videoSignals: [] })).videoSignals, []);
      assert.deepEqual((await banks.getBankById(custom.id))?.videoSignals, []);
    });

    test('rejects a duplicate bank name', async () => {
      const { banks } = await harness.open();
      await banks.createBank({ name: 'TAKEN' });
      await rejectsWithCode(banks.createBank({ name: 'TAKEN' }), 'BANK_ALREADY_EXISTS', /TAKEN/);
      assert.equal((await banks.listBanks()).length, 1);
    });

    test('updates a bank, stamps updatedAt, and rejects rename conflicts and unknown ids', async () => {
      const { banks } = await harness.open();
      const first = await banks.createBank({ name: 'FIRST' });
      await banks.createBank({ name: 'SECOND' });
      await sleep(5);
      const updated = await banks.updateBank(first.id, {
        name: 'RENAMED',
        description: 'now described',
        enabledRatio: 0.5,
        pdqThreshold: 10,
        negative: true,
      });
      assert.equal(updated.name, 'RENAMED');
      assert.equal(updated.description, 'now described');
      assert.equal(updated.enabledRatio, 0.5);
      assert.equal(updated.pdqThreshold, 10);
      assert.equal(updated.negative, true);
      assert.equal(updated.createdAt, first.createdAt);
      assert.ok(updated.updatedAt > first.updatedAt, 'updatedAt moves forward');
      const partial = await banks.updateBank(first.id, { negative: false });
      assert.equal(partial.negative, false);
      assert.equal(partial.name, 'RENAMED', 'omitted fields stay');
      await rejectsWithCode(banks.updateBank(first.id, { name: 'SECOND' }), 'BANK_ALREADY_EXISTS');
      assert.equal((await banks.getBankById(first.id))?.name, 'RENAMED');
      await rejectsWithCode(banks.updateBank(9_999, { description: 'x' }), 'BANK_NOT_FOUND');
    });

    test('numbers content with one sequence from 1 across banks', async () => {
      const { banks } = await harness.open();
      const a = await banks.createBank({ name: 'A' });
      const b = await banks.createBank({ name: 'B' });
      assert.equal((await banks.addContent(a.id, pdqItem(1))).id, 1);
      assert.equal((await banks.addContent(b.id, pdqItem(1))).id, 2);
      assert.equal((await banks.addContent(a.id, pdqItem(2))).id, 3);
      const batch = await banks.addContentBatch(b.id, [pdqItem(2), pdqItem(3)]);
      assert.deepEqual(batch.addedIds, [4, 5]);
      assert.equal(await banks.deleteContent(5), true);
      assert.equal((await banks.addContent(a.id, pdqItem(9))).id, 6, 'a deleted id is not reused');
    });

    test('adds content and reads it back with all fields', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'FULL' });
      const added = await banks.addContent(bank.id, {
        signals: { pdq: hex(7), md5: 'd41d8cd98f00b204e9800998ecf8427e' },
        source: 'local_file',
        externalId: 'ext-7',
        category: 'A1',
        note: 'first note',
        contentUri: 'https://example.org/7',
        metadata: { reviewer: 'r1', tags: ['x', 'y'] },
        disableUntil: 0,
      });
      assert.equal(added.bankId, bank.id);
      assert.deepEqual(added.signals, { pdq: hex(7), md5: 'd41d8cd98f00b204e9800998ecf8427e' });
      assert.equal(added.source, 'local_file');
      assert.equal(added.externalId, 'ext-7');
      assert.equal(added.category, 'A1');
      assert.equal(added.note, 'first note');
      assert.equal(added.contentUri, 'https://example.org/7');
      assert.equal(added.disableUntil, 0);
      assert.equal(added.quarantinedAt, null);
      assert.deepEqual(await banks.getContent(added.id), added);
      const bare = await banks.addContent(bank.id, pdqItem(8));
      assert.deepEqual(
        [bare.source, bare.externalId, bare.category, bare.note, bare.contentUri, bare.metadata, bare.disableUntil],
        [null, null, null, null, null, null, 1],
      );
      assert.equal(await banks.getContent(9_999), undefined);
    });

    test('round-trips metadata as JSON', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'META' });
      const cases: Array<[unknown, unknown]> = [
        [{ nested: { list: [1, 2.5, null, true], text: 'ünïcødé "quoted"' } }, undefined],
        [['a', 1], undefined],
        ['just text', undefined],
        [0, undefined],
        [null, null],
        [undefined, null],
      ];
      for (const [index, [metadata, expected]] of cases.entries()) {
        const added = await banks.addContent(bank.id, pdqItem(index, { metadata }));
        const stored = await banks.getContent(added.id);
        assert.deepEqual(stored?.metadata, expected === undefined ? metadata : expected);
      }
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await rejectsWithCode(banks.addContent(bank.id, pdqItem(100, { metadata: cyclic })), 'CONTENT_INVALID');
    });

    test('addContent rejects a missing bank, no signals, and a value the bank holds', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'CHECKED' });
      const other = await banks.createBank({ name: 'OTHER' });
      await rejectsWithCode(banks.addContent(9_999, pdqItem(1)), 'BANK_NOT_FOUND');
      await rejectsWithCode(banks.addContent(bank.id, { signals: {} }), 'CONTENT_INVALID');
      const first = await banks.addContent(bank.id, pdqItem(1));
      await rejectsWithCode(
        banks.addContent(bank.id, { signals: { md5: 'aa', pdq: hex(1) } }),
        'CONTENT_INVALID',
        new RegExp(`content ${first.id}\\b`),
      );
      assert.equal(await banks.countSignals('md5'), 0, 'nothing of the rejected item is kept');
      const elsewhere = await banks.addContent(other.id, pdqItem(1));
      assert.notEqual(elsewhere.id, first.id, 'another bank may hold the same value');
      const sameValueOtherType = await banks.addContent(bank.id, { signals: { md5: hex(1) } });
      assert.equal(sameValueOtherType.signals.md5, hex(1));
    });

    test('addContentBatch skips duplicates within the batch and against stored rows', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'IMPORT' });
      const stored = await banks.addContent(bank.id, { signals: { pdq: hex(2), md5: 'zz' } });
      const result = await banks.addContentBatch(bank.id, [
        pdqItem(1),
        pdqItem(2), // already stored
        pdqItem(3),
        pdqItem(1), // repeats item 0
        { signals: { pdq: hex(4), md5: 'bb' } },
        { signals: { md5: 'bb' } }, // repeats item 4's md5
        pdqItem(5, { note: 'kept', metadata: { line: 7 } }),
        { signals: { pdq: hex(9), md5: 'zz' } }, // new pdq, but md5 already stored
      ]);
      assert.deepEqual(result.duplicateIndexes, [1, 3, 5, 7]);
      assert.equal(result.addedIds.length, 4);
      assert.ok(
        result.addedIds.every((id, position) => id > (result.addedIds[position - 1] ?? stored.id)),
        'ids ascend in input order',
      );
      if (harness.dialect === 'sqlite') {
        // SQLite probes before inserting, so duplicates consume no id.
        assert.deepEqual(result.addedIds, [stored.id + 1, stored.id + 2, stored.id + 3, stored.id + 4]);
      }
      const records = await banks.getContents(result.addedIds);
      assert.deepEqual(
        records.map((record) => record.signals),
        [{ pdq: hex(1) }, { pdq: hex(3) }, { pdq: hex(4), md5: 'bb' }, { pdq: hex(5) }],
      );
      assert.equal(records[3]?.note, 'kept');
      assert.deepEqual(records[3]?.metadata, { line: 7 });
      assert.equal(await banks.findContentBySignal(bank.id, 'pdq', hex(9)), undefined, 'a skipped item leaves nothing');
      assert.equal(await banks.countSignals('pdq', bank.id), 5);
      assert.equal(await banks.countSignals('md5', bank.id), 2);
      assert.equal((await banks.listContent(bank.id, { limit: 100 })).length, 5);
      const again = await banks.addContentBatch(bank.id, [pdqItem(1), pdqItem(6)]);
      assert.deepEqual(again.duplicateIndexes, [0]);
      assert.equal(again.addedIds.length, 1);
      assert.ok((again.addedIds[0] ?? 0) > (result.addedIds[3] ?? Number.POSITIVE_INFINITY));
      assert.deepEqual(await banks.addContentBatch(bank.id, []), { addedIds: [], duplicateIndexes: [] });
    });

    test('addContentBatch writes nothing when it fails', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'ATOMIC' });
      await rejectsWithCode(banks.addContentBatch(9_999, [pdqItem(1)]), 'BANK_NOT_FOUND');
      await rejectsWithCode(
        banks.addContentBatch(bank.id, [pdqItem(1), { signals: {} }, pdqItem(2)]),
        'CONTENT_INVALID',
        /item 1/,
      );
      assert.equal(await banks.countSignals('pdq'), 0);
      assert.deepEqual(await banks.listContent(bank.id, { limit: 10 }), []);
    });

    test('updates disableUntil, note and quarantinedAt; null clears', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'PATCH' });
      const item = await banks.addContent(bank.id, pdqItem(1, { note: 'original' }));
      const disabled = await banks.updateContent(item.id, { disableUntil: 0 });
      assert.equal(disabled.disableUntil, 0);
      assert.equal(disabled.note, 'original', 'omitted fields stay');
      const until = 4_102_444_800; // 2100-01-01, beyond 32-bit time
      const quarantinedAt = '2026-01-02T03:04:05.678Z';
      const changed = await banks.updateContent(item.id, { disableUntil: until, note: 'n'.repeat(255), quarantinedAt });
      assert.equal(changed.disableUntil, until);
      assert.equal(changed.note, 'n'.repeat(255));
      assert.equal(changed.quarantinedAt, quarantinedAt);
      const cleared = await banks.updateContent(item.id, { note: null, quarantinedAt: null });
      assert.equal(cleared.note, null);
      assert.equal(cleared.quarantinedAt, null);
      assert.equal(cleared.disableUntil, until);
      assert.deepEqual(await banks.updateContent(item.id, {}), cleared);
      assert.deepEqual(await banks.getContent(item.id), cleared);
      await rejectsWithCode(banks.updateContent(9_999, { note: 'x' }), 'CONTENT_NOT_FOUND');
      await rejectsWithCode(banks.updateContent(9_999, {}), 'CONTENT_NOT_FOUND');
    });

    test('deletes one item with its signals; the value can then be added again', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'DELETE' });
      const item = await banks.addContent(bank.id, { signals: { pdq: hex(1), md5: 'cc' } });
      assert.equal(await banks.deleteContent(item.id), true);
      assert.equal(await banks.deleteContent(item.id), false);
      assert.equal(await banks.getContent(item.id), undefined);
      assert.equal(await banks.countSignals('pdq'), 0);
      assert.equal(await banks.countSignals('md5'), 0);
      assert.equal(await banks.findContentBySignal(bank.id, 'pdq', hex(1)), undefined);
      const again = await banks.addContent(bank.id, pdqItem(1));
      assert.ok(again.id > item.id);
    });

    test('deleteBank cascades to content and signals and returns the content ids', async () => {
      const { banks } = await harness.open();
      const doomed = await banks.createBank({ name: 'DOOMED' });
      const kept = await banks.createBank({ name: 'KEPT' });
      const { addedIds } = await banks.addContentBatch(doomed.id, [pdqItem(1), pdqItem(2), pdqItem(3)]);
      const survivor = await banks.addContent(kept.id, pdqItem(1));
      const more = await banks.addContent(doomed.id, { signals: { md5: 'dd' } });
      assert.deepEqual(await banks.deleteBank(doomed.id), [...addedIds, more.id]);
      assert.equal(await banks.getBankById(doomed.id), undefined);
      assert.deepEqual(await banks.getContents([...addedIds, more.id]), []);
      assert.equal(await banks.countSignals('pdq'), 1);
      assert.equal(await banks.countSignals('md5'), 0);
      assert.deepEqual(await banks.getContent(survivor.id), survivor);
      assert.deepEqual(await banks.deleteBank(doomed.id), [], 'deleting again is a no-op');
      assert.deepEqual(await banks.deleteBank(9_999), []);
      const reused = await banks.createBank({ name: 'DOOMED' });
      assert.deepEqual(await banks.listContent(reused.id, { limit: 10 }), []);
    });

    test('getContents returns ascending ids, skips missing ones, and spans several queries', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'MANY' });
      const items = Array.from({ length: 1_200 }, (_, n) => pdqItem(n + 1));
      const { addedIds } = await banks.addContentBatch(bank.id, items);
      assert.equal(addedIds.length, 1_200);
      const wanted = [...addedIds].reverse().concat([99_999, addedIds[0] ?? 0]);
      const records = await banks.getContents(wanted);
      assert.deepEqual(
        records.map((record) => record.id),
        addedIds,
      );
      assert.equal(records[1_199]?.signals.pdq, hex(1_200));
      assert.deepEqual(await banks.getContents([]), []);
      assert.deepEqual(await banks.getContents([99_999]), []);
    });

    test('listContent pages through one bank by id', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'PAGED' });
      const other = await banks.createBank({ name: 'NOISE' });
      const ids: number[] = [];
      for (let n = 1; n <= 5; n++) {
        ids.push((await banks.addContent(bank.id, pdqItem(n))).id);
        await banks.addContent(other.id, pdqItem(n));
      }
      const first = await banks.listContent(bank.id, { limit: 2 });
      assert.deepEqual(
        first.map((record) => record.id),
        ids.slice(0, 2),
      );
      const second = await banks.listContent(bank.id, { afterId: ids[1] ?? 0, limit: 2 });
      assert.deepEqual(
        second.map((record) => record.id),
        ids.slice(2, 4),
      );
      const last = await banks.listContent(bank.id, { afterId: ids[3] ?? 0, limit: 2 });
      assert.deepEqual(
        last.map((record) => record.signals.pdq),
        [hex(5)],
      );
      assert.deepEqual(await banks.listContent(bank.id, { afterId: ids[4] ?? 0, limit: 2 }), []);
    });

    test('findContentBySignal matches bank, type and exact value', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'FIND' });
      const other = await banks.createBank({ name: 'ELSEWHERE' });
      const item = await banks.addContent(bank.id, { signals: { pdq: hex(1), md5: 'ee' } });
      assert.deepEqual(await banks.findContentBySignal(bank.id, 'md5', 'ee'), item);
      assert.equal(await banks.findContentBySignal(other.id, 'pdq', hex(1)), undefined);
      assert.equal(await banks.findContentBySignal(bank.id, 'md5', hex(1)), undefined);
      assert.equal(await banks.findContentBySignal(bank.id, 'pdq', hex(2)), undefined);
    });

    test('holds signal values of any length (a vPDQ value is kilobytes), once per bank', async () => {
      const { banks } = await harness.open();
      const bank = await banks.createBank({ name: 'VIDEOS' });
      const long = Array.from({ length: 120 }, (_, frame) => `${hex(frame)},100,${frame}.000`).join(' ');
      const longer = `${long} ${hex(999)},100,120.000`;
      const item = await banks.addContent(bank.id, { signals: { vpdq: long } });
      assert.deepEqual(await banks.findContentBySignal(bank.id, 'vpdq', long), item);
      assert.equal(await banks.findContentBySignal(bank.id, 'vpdq', longer), undefined, 'same prefix, other value');
      await rejectsWithCode(banks.addContent(bank.id, { signals: { vpdq: long } }), 'CONTENT_INVALID');
      const second = await banks.addContent(bank.id, { signals: { vpdq: longer } });
      assert.notEqual(second.id, item.id);
    });

    test('streamSignals yields one type in id order, in batches, optionally for one bank', async () => {
      const { banks } = await harness.open();
      const a = await banks.createBank({ name: 'STREAM_A' });
      const b = await banks.createBank({ name: 'STREAM_B' });
      const expected: StoredSignal[] = [];
      for (let n = 1; n <= 7; n++) {
        const bank = n % 3 === 0 ? b : a;
        const item = await banks.addContent(bank.id, { signals: { pdq: hex(n), md5: `m${n}` } });
        expected.push({ contentId: item.id, bankId: bank.id, value: hex(n) });
      }
      await banks.addContent(a.id, { signals: { md5: 'only-md5' } });

      const batches = await collect(banks.streamSignals('pdq', { batchSize: 3 }));
      assert.deepEqual(
        batches.map((batch) => batch.length),
        [3, 3, 1],
      );
      assert.deepEqual(batches.flat(), expected);
      const exact = await collect(banks.streamSignals('pdq', { batchSize: 7 }));
      assert.deepEqual(
        exact.map((batch) => batch.length),
        [7],
      );
      const onlyB = (await collect(banks.streamSignals('pdq', { bankId: b.id, batchSize: 1 }))).flat();
      assert.deepEqual(
        onlyB,
        expected.filter((signal) => signal.bankId === b.id),
      );
      const md5 = (await collect(banks.streamSignals('md5'))).flat();
      assert.equal(md5.length, 8);
      assert.deepEqual(await collect(banks.streamSignals('sha256')), []);
      await rejectsWithCode(collect(banks.streamSignals('pdq', { batchSize: 0 })), 'CONFIG_INVALID');
    });

    test('countSignals counts one type, overall or in one bank', async () => {
      const { banks } = await harness.open();
      const a = await banks.createBank({ name: 'COUNT_A' });
      const b = await banks.createBank({ name: 'COUNT_B' });
      await banks.addContentBatch(a.id, [pdqItem(1), pdqItem(2), { signals: { pdq: hex(3), md5: 'ff' } }]);
      await banks.addContentBatch(b.id, [pdqItem(1)]);
      assert.equal(await banks.countSignals('pdq'), 4);
      assert.equal(await banks.countSignals('pdq', a.id), 3);
      assert.equal(await banks.countSignals('pdq', b.id), 1);
      assert.equal(await banks.countSignals('md5'), 1);
      assert.equal(await banks.countSignals('sha256'), 0);
      assert.equal(await banks.countSignals('pdq', 9_999), 0);
    });

    test('API keys: create, find active by digest, list, revoke', async () => {
      const { apiKeys } = await harness.open();
      const digest = 'a'.repeat(64);
      const created = await apiKeys.create({ name: 'ops', secretDigest: digest, scopes: ['read', 'admin'] });
      assert.equal(created.name, 'ops');
      assert.deepEqual(created.scopes, ['read', 'admin']);
      assert.equal(created.revokedAt, null);
      const none = await apiKeys.create({ name: 'none', secretDigest: 'b'.repeat(64), scopes: [] });
      assert.deepEqual(none.scopes, []);
      assert.deepEqual(await apiKeys.findActiveByDigest(digest), created);
      assert.equal(await apiKeys.findActiveByDigest('c'.repeat(64)), undefined);
      assert.equal(await apiKeys.revoke(created.id), true);
      assert.equal(await apiKeys.revoke(created.id), false, 'already revoked');
      assert.equal(await apiKeys.revoke(9_999), false);
      assert.equal(await apiKeys.findActiveByDigest(digest), undefined);
      const listed = await apiKeys.list();
      assert.deepEqual(
        listed.map((key) => key.name),
        ['ops', 'none'],
      );
      assert.ok(listed[0]?.revokedAt !== null && !Number.isNaN(Date.parse(listed[0]?.revokedAt ?? '')));
      assert.equal(listed[1]?.revokedAt, null);
    });

    test('reopening keeps the data and does not run migrations again', async () => {
      const storage = await harness.open();
      const bank = await storage.banks.createBank({ name: 'DURABLE' });
      const item = await storage.banks.addContent(bank.id, pdqItem(1, { metadata: { kept: true } }));
      const migrations = await harness.migrationRecords(storage);
      assert.deepEqual(
        migrations.map((migration) => migration.name),
        storageMigrations.map((migration) => migration.name),
      );
      assert.deepEqual(
        migrations.slice(0, 4).map((migration) => migration.name),
        ['0001_banks', '0002_bank_contents', '0003_content_signals', '0004_api_keys'],
      );
      await storage.close();
      await storage.close(); // closing twice is harmless

      const reopened = await harness.reopen(storage);
      assert.deepEqual(await reopened.banks.getBankByName('DURABLE'), bank);
      assert.deepEqual(await reopened.banks.getContent(item.id), item);
      assert.deepEqual(await harness.migrationRecords(reopened), migrations);
      assert.equal((await reopened.banks.addContent(bank.id, pdqItem(2))).id, item.id + 1);
    });
  });
}

repositorySuite(sqliteHarness());
repositorySuite(postgresHarness(await postgresSkipReason()));
