/**
 * Issue 10, section 4: "Deleting entries from the end of the audit log is not detected (nor
 * deleting every entry)". A hash chain only links entries to the ones before them, so a shorter
 * chain still verifies; the head (`prevail audit head`) and signed checkpoints (`prevail serve
 * --audit-checkpoint-dir`) anchor it outside the database, and `verify` checks the log against
 * them. The store-level part runs on SQLite and on PostgreSQL (a fresh schema, dropped after;
 * skipped with the reason printed when PostgreSQL is unreachable, except under CI).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Client, escapeIdentifier } from 'pg';
import {
  type AuditAnchor,
  AuditLog,
  auditSigningKeyVariable,
  generateAuditSigningKeys,
  genesisHash,
  parseAuditSigningKey,
} from '../../src/audit/index.js';
import { runCli, serverSettings, useCliSettings } from '../../src/cli/index.js';
import { defaultSettings, readSettings } from '../../src/config/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { startServer } from '../../src/main.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { captureIo } from '../support/capture-io.js';
import { postgresConnectionString as pgConnection, postgresSkipReason, postgresUrl } from '../support/postgres.js';

/** A fresh store with its audit log, and a way to change its rows behind the application's back. */
interface Store {
  readonly storage: Storage;
  readonly audit: AuditLog;
  tamper(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function sqliteStore(): Promise<Store> {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-audit-anchor-'));
  const storage = await openStorage({ dataDir: directory });
  return {
    storage,
    audit: new AuditLog(storage.engine.audit),
    async tamper(sql) {
      const database = new BetterSqlite3(join(directory, 'prevail.sqlite'));
      try {
        database.exec(sql);
      } finally {
        database.close();
      }
    },
    async close() {
      await storage.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function postgresStore(): Promise<Store> {
  const schema = `test_audit_${randomBytes(6).toString('hex')}`;
  const storage = await openStorage({ databaseUrl: postgresUrl, schema });
  const withClient = async (work: (client: Client) => Promise<unknown>) => {
    const client = new Client({ connectionString: pgConnection });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    storage,
    audit: new AuditLog(storage.engine.audit),
    tamper: (sql) =>
      withClient(async (client) => {
        await client.query(`set search_path to ${escapeIdentifier(schema)}`);
        await client.query(sql);
      }),
    async close() {
      await storage.close();
      await withClient((client) => client.query(`drop schema if exists ${escapeIdentifier(schema)} cascade`));
    },
  };
}

const entry = (i: number) => ({
  actor: 'person:reviewer',
  action: 'case.view',
  subject: `case:${i}`,
  reason: 'weekly review',
  detail: { i },
});

const postgresSkip = await postgresSkipReason();

for (const [dialect, open, skip] of [
  ['sqlite', sqliteStore, false],
  ['postgres', postgresStore, postgresSkip],
] as const) {
  describe(`audit anchors on ${dialect}`, { skip }, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(() => store?.close());
    const asAnchor = (head: { seq: number; hash: string }): AuditAnchor => ({ ...head, source: '--head' });

    test(`deleting entries from the end of the audit log is detected against the head (${dialect})`, async () => {
      await store.audit.record(...[1, 2, 3, 4, 5].map(entry));
      const head = await store.audit.head();
      assert.equal(head.seq, 5);
      assert.deepEqual(await store.audit.verify([asAnchor(head)]), { ok: true, entries: 5, anchors: 1 });
      await store.tamper('delete from audit_log where seq > 3');
      assert.deepEqual(await store.audit.verify(), { ok: true, entries: 3 }, 'the shorter chain links up by itself');
      const result = await store.audit.verify([asAnchor(head)]);
      assert.equal(result.ok, false);
      assert.equal(result.problem?.seq, 5);
      assert.match(result.problem?.reason ?? '', /ends at entry 3.*removed from the end/);
    });

    test(`deleting every audit entry is detected against the head (${dialect})`, async () => {
      const head = await store.audit.head();
      await store.tamper('delete from audit_log');
      assert.deepEqual(await store.audit.head(), { seq: 0, hash: genesisHash });
      const result = await store.audit.verify([asAnchor(head)]);
      assert.deepEqual([result.ok, result.problem?.seq], [false, head.seq]);
      assert.match(result.problem?.reason ?? '', /the log is empty.*every entry was removed/);
      assert.equal((await store.audit.verify([asAnchor({ seq: 0, hash: genesisHash })])).ok, true);
    });

    test(`an audit log rewritten to the same length is detected against the head (${dialect})`, async () => {
      await store.audit.record(...[1, 2, 3].map(entry));
      const head = await store.audit.head();
      await store.tamper('delete from audit_log');
      await store.audit.record(entry(1), entry(2), { ...entry(3), reason: 'nothing happened' });
      assert.equal((await store.audit.verify()).ok, true, 'the rewritten chain is consistent by itself');
      const result = await store.audit.verify([asAnchor(head)]);
      assert.deepEqual([result.ok, result.problem?.seq], [false, 3]);
      assert.match(result.problem?.reason ?? '', /differs from the one --head anchors/);
    });

    test(`a malformed audit entry is named by its seq, never a parse stack (${dialect})`, async () => {
      await store.tamper("update audit_log set detail_json = '{not json' where seq = 2");
      const badJson = await store.audit.verify();
      assert.deepEqual(badJson, {
        ok: false,
        entries: 1,
        problem: { seq: 2, reason: 'entry 2 is malformed: its detail_json is not valid JSON' },
      });
      await store.tamper(`update audit_log set detail_json = '{"i":2}', hash = 'not-a-hash' where seq = 2`);
      const badHash = await store.audit.verify();
      assert.deepEqual(badHash.problem, {
        seq: 2,
        reason: 'entry 2 is malformed: its hash is not 64 lowercase hex digits',
      });
      await store.tamper("update audit_log set hash = 'not-a-hash' where seq = 3");
      await assert.rejects(store.audit.head(), /AUDIT_CHAIN_BROKEN|entry 3 is malformed/);
    });
  });
}

test('serve --audit-checkpoint-dir needs PREVAIL_AUDIT_SIGNING_KEY; with it the settings carry the key and interval', async () => {
  try {
    const io = captureIo();
    const status = await runCli(
      ['serve', '--audit-checkpoint-dir', join(tmpdir(), 'never-written'), '--port', '1'],
      io,
      {},
    );
    assert.equal(status, 2);
    assert.match(
      io.errors(),
      /^prevail: CONFIG_INVALID: --audit-checkpoint-dir needs the Ed25519 signing key in PREVAIL_AUDIT_SIGNING_KEY/,
    );
    const { privateKeyPem } = generateAuditSigningKeys();
    // As base64 DER (one line, easy to put in an environment file) as well as PEM.
    useCliSettings(
      readSettings({ [auditSigningKeyVariable]: privateKeyPem.replace(/-----[^-]+-----|\s/g, '') }),
      silentLogger(),
    );
    const settings = serverSettings({
      dataDir: 'unused',
      host: '127.0.0.1',
      port: 1,
      hmaOpen: false,
      maxUploadBytes: 1,
      maxPixels: 1,
      urlTimeout: 1,
      allowHost: [],
      allowPrivate: false,
      auditCheckpointDir: '/var/lib/prevail/checkpoints',
      auditCheckpointMinutes: 5,
    });
    assert.equal(settings.auditCheckpoints?.directory, '/var/lib/prevail/checkpoints');
    assert.equal(settings.auditCheckpoints?.intervalMs, 300_000);
    assert.equal(settings.auditCheckpoints?.signingKey.asymmetricKeyType, 'ed25519');
    useCliSettings(readSettings({ [auditSigningKeyVariable]: 'not a key' }), silentLogger());
    assert.throws(
      () => serverSettings({ auditCheckpointDir: 'x' } as Parameters<typeof serverSettings>[0]),
      /AUDIT_CHECKPOINT_INVALID|not a PKCS#8/,
    );
  } finally {
    useCliSettings(defaultSettings(), silentLogger());
  }
});

describe('prevail audit head, verify --head and signed checkpoints', () => {
  let directory: string;
  let dataDir: string;
  const run = async (...args: string[]) => {
    const io = captureIo();
    const status = await runCli(args, io);
    return { status, output: io.output(), errors: io.errors() };
  };
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-audit-cli-'));
    dataDir = join(directory, 'data');
  });
  after(() => rm(directory, { recursive: true, force: true }));
  const sql = (statement: string) => {
    const database = new BetterSqlite3(join(dataDir, 'prevail.sqlite'));
    try {
      database.exec(statement);
    } finally {
      database.close();
    }
  };

  test('prevail audit head prints one JSON line, and verify --head fails with AUDIT_CHAIN_BROKEN once the tail is deleted', async () => {
    const storage = await openStorage({ dataDir });
    try {
      await new AuditLog(storage.engine.audit).record(...[1, 2, 3, 4].map(entry));
    } finally {
      await storage.close();
    }
    const head = await run('audit', 'head', '--data-dir', dataDir);
    assert.equal(head.status, 0, head.errors);
    assert.match(head.output, /^\{"seq":4,"hash":"[0-9a-f]{64}"\}\n$/, 'exactly one JSON line');
    const anchor = head.output.trim();
    const ok = await run('audit', 'verify', '--head', anchor, '--data-dir', dataDir);
    assert.equal(ok.status, 0, ok.errors);
    assert.deepEqual(JSON.parse(ok.output), { ok: true, entries: 4, anchors: 1 });

    sql('delete from audit_log where seq = 4');
    const truncated = await run('audit', 'verify', '--head', anchor, '--data-dir', dataDir);
    assert.equal(truncated.status, 1);
    assert.equal(JSON.parse(truncated.output).problem.seq, 4);
    assert.match(
      truncated.errors,
      /^prevail: AUDIT_CHAIN_BROKEN: the audit log does not verify at entry 4: the log ends at entry 3/,
    );
    assert.equal(
      (await run('audit', 'verify', '--data-dir', dataDir)).status,
      0,
      'without the anchor it cannot be seen',
    );

    sql('delete from audit_log');
    const emptied = await run('audit', 'verify', '--head', anchor, '--data-dir', dataDir);
    assert.equal(emptied.status, 1);
    assert.match(emptied.errors, /AUDIT_CHAIN_BROKEN: .*the log is empty/);

    const malformed = await run('audit', 'verify', '--head', '{"seq":"4"}', '--data-dir', dataDir);
    assert.equal(malformed.status, 1);
    assert.match(malformed.errors, /^prevail: REQUEST_INVALID: the head must be exactly/);
  });

  test('a malformed audit entry is named by its seq in prevail audit verify, never a parse stack', async () => {
    const storage = await openStorage({ dataDir });
    try {
      await new AuditLog(storage.engine.audit).record(...[1, 2, 3].map(entry));
    } finally {
      await storage.close();
    }
    sql('update audit_log set detail_json = \'{"i": 2\' where seq = 2');
    const result = await run('audit', 'verify', '--data-dir', dataDir);
    assert.equal(result.status, 1);
    assert.deepEqual(JSON.parse(result.output).problem, {
      seq: 2,
      reason: 'entry 2 is malformed: its detail_json is not valid JSON',
    });
    assert.equal(
      result.errors,
      'prevail: AUDIT_CHAIN_BROKEN: the audit log does not verify at entry 2: entry 2 is malformed: its detail_json is not valid JSON\n',
    );
    assert.doesNotMatch(result.errors, /SyntaxError|\n\s+at /);
    sql('delete from audit_log');
  });

  test('the server writes signed audit checkpoints (at start, on schedule, on shutdown) and verify --checkpoint checks them against the log', async () => {
    const keygen = await run(
      'audit',
      'keygen',
      '--private-key',
      join(directory, 'audit.key'),
      '--public-key',
      join(directory, 'audit.pub'),
    );
    assert.equal(keygen.status, 0, keygen.errors);
    assert.match(JSON.parse(keygen.output).keyId, /^[0-9a-f]{16}$/);
    const again = await run(
      'audit',
      'keygen',
      '--private-key',
      join(directory, 'audit.key'),
      '--public-key',
      join(directory, 'x.pub'),
    );
    assert.equal(again.status, 2, 'keygen never overwrites a key');
    const checkpointDir = join(directory, 'checkpoints');
    const signingKey = parseAuditSigningKey(await readFile(join(directory, 'audit.key'), 'utf8'));
    const server = await startServer({
      storage: { dataDir },
      host: '127.0.0.1',
      port: 0,
      hmaOpen: false,
      maxUploadBytes: 1024 * 1024,
      fetchPolicy: { maxBytes: 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: false },
      decode: { maxPixels: defaultMaxPixels },
      auditCheckpoints: { directory: checkpointDir, intervalMs: 100, signingKey },
    });
    let closed = false;
    try {
      const atStart = await readdir(checkpointDir);
      assert.equal(atStart.length, 1, 'one checkpoint is written before the server listens');
      assert.match(atStart[0] ?? '', /^audit-checkpoint-000000000000-\d{8}T\d{9}Z\.json$/);
      await server.services.audit.record(entry(1), entry(2));
      let files: string[] = [];
      for (let waited = 0; !files.some((file) => file.startsWith('audit-checkpoint-000000000002-')); waited += 50) {
        assert.ok(waited < 5000, `no scheduled checkpoint after 5 s: ${files.join(', ')}`);
        await sleep(50);
        files = await readdir(checkpointDir);
      }
      await server.services.audit.record(entry(3));
      await server.close();
      closed = true;
    } finally {
      if (!closed) await server.close();
    }
    const files = (await readdir(checkpointDir)).sort();
    assert.deepEqual(
      files.map((file) => file.slice(0, 29)),
      ['audit-checkpoint-000000000000', 'audit-checkpoint-000000000002', 'audit-checkpoint-000000000003'],
      'one at start, one when the log grew, one on shutdown; none while nothing changed',
    );
    const last = join(checkpointDir, files[2] ?? '');
    const checkpoint = JSON.parse(await readFile(last, 'utf8'));
    assert.deepEqual(Object.keys(checkpoint).sort(), ['format', 'hash', 'keyId', 'seq', 'signature', 'time']);
    const publicKey = join(directory, 'audit.pub');
    const all = files.flatMap((file) => ['--checkpoint', join(checkpointDir, file)]);
    const ok = await run('audit', 'verify', ...all, '--public-key', publicKey, '--data-dir', dataDir);
    assert.equal(ok.status, 0, ok.errors);
    assert.deepEqual(JSON.parse(ok.output), { ok: true, entries: 3, anchors: 3 });

    // The key given as base64 DER instead of a file works the same.
    const base64Key = (await readFile(publicKey, 'utf8')).replace(/-----[^-]+-----|\s/g, '');
    const inline = await run('audit', 'verify', '--checkpoint', last, '--public-key', base64Key, '--data-dir', dataDir);
    assert.equal(inline.status, 0, inline.errors);

    sql('delete from audit_log where seq = 3');
    const truncated = await run(
      'audit',
      'verify',
      '--checkpoint',
      last,
      '--public-key',
      publicKey,
      '--data-dir',
      dataDir,
    );
    assert.equal(truncated.status, 1);
    assert.match(
      truncated.errors,
      /AUDIT_CHAIN_BROKEN: .*entry 3: the log ends at entry 2, but checkpoint audit-checkpoint-000000000003/,
    );
  });

  test('a checkpoint that was altered or signed with another key is refused with AUDIT_CHECKPOINT_INVALID', async () => {
    const checkpointDir = join(directory, 'checkpoints');
    const [file] = (await readdir(checkpointDir)).sort().reverse();
    const original = JSON.parse(await readFile(join(checkpointDir, file ?? ''), 'utf8'));
    const forged = join(directory, 'forged.json');
    await writeFile(forged, JSON.stringify({ ...original, seq: 2 }));
    const publicKey = join(directory, 'audit.pub');
    const altered = await run(
      'audit',
      'verify',
      '--checkpoint',
      forged,
      '--public-key',
      publicKey,
      '--data-dir',
      dataDir,
    );
    assert.equal(altered.status, 1);
    assert.match(altered.errors, /^prevail: AUDIT_CHECKPOINT_INVALID: forged\.json: the signature does not verify/);

    const other = join(directory, 'other.pub');
    await writeFile(other, generateAuditSigningKeys().publicKeyPem);
    const wrongKey = await run(
      'audit',
      'verify',
      '--checkpoint',
      join(checkpointDir, file ?? ''),
      '--public-key',
      other,
      '--data-dir',
      dataDir,
    );
    assert.equal(wrongKey.status, 1);
    assert.match(
      wrongKey.errors,
      /AUDIT_CHECKPOINT_INVALID: .*was signed with key [0-9a-f]{16}, not with the public key given/,
    );

    await writeFile(forged, 'not json');
    const garbage = await run(
      'audit',
      'verify',
      '--checkpoint',
      forged,
      '--public-key',
      publicKey,
      '--data-dir',
      dataDir,
    );
    assert.match(garbage.errors, /^prevail: AUDIT_CHECKPOINT_INVALID: forged\.json is not JSON\n$/);

    const noKey = await run('audit', 'verify', '--checkpoint', forged, '--data-dir', dataDir);
    assert.equal(noKey.status, 2);
    assert.match(noKey.errors, /CONFIG_INVALID: --checkpoint needs --public-key/);
  });
});
