/**
 * The backup and restore of docs/deployment.md, done the way the document says, on a real
 * `prevail serve` process: state is made over HTTP (a bank with content, a case opened by an
 * event, an audit chain with signed checkpoints), a backup is taken **while the server runs**
 * (SQLite: `sqlite3 … ".backup …"`, the online backup API; PostgreSQL: `pg_dump -Fc`), more is
 * written after it, the backup is restored into a new data directory or a new database, a server
 * is started there, and the state of the moment of the backup is what it serves. `prevail audit
 * verify` passes with the head and the checkpoint taken before the backup, and fails (as the
 * document says it will) with the checkpoint written after it: the restore lost that tail.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Client, escapeIdentifier } from 'pg';
import { examplePolicy } from '../support/engine-harness.js';
import { patternImage } from '../support/images.js';
import { postgresConnectionString, postgresSkipReason } from '../support/postgres.js';
import { runPrevail, type ServeProcess, startPrevailServe } from '../support/prevail-process.js';

const run = promisify(execFile);
/** Under CI (`$CI` set, as test/support/postgres.ts reads it) nothing skips: a missing tool is a failure. */
const underCi = process.env.CI !== undefined;

/** Why a tool-dependent half skips (never under CI, where its absence is a failure). */
async function missingTool(tool: string, versionArgs: string[]): Promise<string | false> {
  const present = await run(tool, versionArgs).then(
    () => true,
    () => false,
  );
  if (present || underCi) return false;
  return `${tool} is not installed (Debian: apt-get install ${tool === 'sqlite3' ? 'sqlite3' : 'postgresql-client'})`;
}

const md5 = '900150983cd24fb0d6963f7d28e17f72';

/** A JSON request to the server with the admin key. */
async function call(server: ServeProcess, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

function ok(result: { code: number; stdout: string; stderr: string }, what: string): string {
  assert.equal(result.code, 0, `${what} failed: ${result.stderr}`);
  return result.stdout;
}

/** How one backend is backed up and restored, the way docs/deployment.md says. */
interface Backend {
  /** Storage options of the original server. */
  readonly source: string[];
  /** Takes the backup while the server runs. */
  backup(): Promise<void>;
  /** Restores it; resolves to the storage options of the restored server. */
  restore(): Promise<string[]>;
}

/**
 * The whole scenario on one backend. `work` holds the keys, checkpoints and data directories.
 */
async function backupAndRestore(work: string, backend: Backend): Promise<void> {
  await mkdir(work, { recursive: true });
  const privateKey = join(work, 'audit-signing.pem');
  const publicKey = join(work, 'audit-public.pem');
  const checkpoints = join(work, 'checkpoints');
  ok(await runPrevail(['audit', 'keygen', '--private-key', privateKey, '--public-key', publicKey]), 'audit keygen');
  const env = {
    PREVAIL_AUDIT_SIGNING_KEY: await readFile(privateKey, 'utf8'),
    PREVAIL_EVIDENCE_KEYS: `k1:${randomBytes(32).toString('hex')}`,
  };
  const vault = join(work, 'evidence');
  const vaultBackup = join(work, 'evidence-backup');
  const vaultRestored = join(work, 'evidence-restored');
  const serveArgs = (storage: string[], evidence = vault) => [
    ...storage,
    '--stream-evidence-dir',
    evidence,
    '--policy',
    examplePolicy,
    '--audit-checkpoint-dir',
    checkpoints,
    '--hash-workers',
    '1',
    '--stream-hash-workers',
    '0',
  ];
  const created = JSON.parse(
    ok(await runPrevail(['keys', 'create', 'first-admin', '--scopes', 'admin', ...backend.source]), 'keys create'),
  ) as { secret: string };
  const admin = created.secret;
  const image = await patternImage(160, 120, 'png', 11);
  let evidenceId = '';

  // 1. State: a bank with content, a case opened by a match event, audited reads.
  let server = await startPrevailServe(serveArgs(backend.source), env);
  try {
    assert.equal((await call(server, admin, 'POST', '/v1/banks', { name: 'BACKUP_BANK' })).status, 201);
    const added = await call(server, admin, 'POST', '/v1/banks/BACKUP_BANK/content', { signals: { md5 } });
    assert.ok(added.status === 200 || added.status === 201, JSON.stringify(added.body));
    const matched = await call(server, admin, 'POST', '/v1/match', {
      signals: { md5 },
      entities: { user: 'u-backup' },
    });
    assert.equal(matched.status, 200, JSON.stringify(matched.body));
    assert.equal(matched.body.event.verdict.verdict, 'block');
    const cases = await call(server, admin, 'GET', '/v1/cases?subject=user:u-backup&reason=backup%20drill');
    assert.equal(cases.body.cases.length, 1);
    // A matching upload is preserved in the evidence vault.
    const banked = await upload(server, admin, '/v1/banks/BACKUP_BANK/media', image);
    assert.equal(banked.status, 201, JSON.stringify(banked.body));
    const kept = await upload(server, admin, '/v1/match', image, { entities: JSON.stringify({ user: 'u-upload' }) });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    evidenceId = kept.body.evidenceId;
    assert.match(evidenceId, /^[0-9a-f-]{36}$/);
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
  const [beforeBackup] = (await readdir(checkpoints)).sort();
  assert.ok(beforeBackup !== undefined, 'the shutdown wrote a signed checkpoint');

  // 2. The backup, taken while the server runs and writes; then more writes after it.
  server = await startPrevailServe(serveArgs(backend.source), env);
  let head: string;
  try {
    head = ok(await runPrevail(['audit', 'head', ...backend.source]), 'audit head').trim();
    await backend.backup();
    // The vault right after the database (docs/deployment.md § 9): every item it names is there.
    await cp(vault, vaultBackup, { recursive: true, preserveTimestamps: true });
    assert.equal((await call(server, admin, 'POST', '/v1/banks', { name: 'AFTER_BACKUP' })).status, 201);
    const read = await call(server, admin, 'GET', '/v1/cases?subject=user:u-backup&reason=after%20the%20backup');
    assert.equal(read.status, 200);
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
  const afterBackup = (await readdir(checkpoints)).sort().at(-1) ?? '';
  assert.notEqual(afterBackup, beforeBackup, 'the second shutdown anchored the entries written after the backup');

  // 3. Restore into a new place and serve from it.
  const restored = await backend.restore();
  await cp(vaultBackup, vaultRestored, { recursive: true, preserveTimestamps: true });
  server = await startPrevailServe(serveArgs(restored, vaultRestored), env);
  try {
    const ready = await fetch(`${server.url}/status/ready`);
    assert.equal(ready.status, 200, await ready.clone().text());
    const banks = await call(server, admin, 'GET', '/v1/banks');
    assert.equal(banks.status, 200, 'the admin key of the backup still works');
    const names = (banks.body.banks ?? banks.body).map((bank: { name: string }) => bank.name);
    assert.ok(names.includes('BACKUP_BANK'), JSON.stringify(names));
    assert.ok(!names.includes('AFTER_BACKUP'), 'the restore is the moment of the backup');
    const match = await call(server, admin, 'POST', '/v1/match', { signals: { md5 } });
    assert.equal(match.body.matches[0].bank, 'BACKUP_BANK', 'the index was rebuilt from the restored content');
    const cases = await call(server, admin, 'GET', '/v1/cases?subject=user:u-backup&reason=restore%20check');
    assert.equal(cases.body.cases.length, 1, 'the case survived');
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }

  // 4. The audit chain: whole, and holding the anchors taken before the backup.
  const verified = await runPrevail([
    'audit',
    'verify',
    ...restored,
    '--head',
    head,
    '--checkpoint',
    join(checkpoints, beforeBackup),
    '--public-key',
    publicKey,
  ]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal(JSON.parse(verified.stdout).ok, true);
  const lostTail = await runPrevail([
    'audit',
    'verify',
    ...restored,
    '--checkpoint',
    join(checkpoints, afterBackup),
    '--public-key',
    publicKey,
  ]);
  assert.equal(lostTail.code, 1, 'a checkpoint written after the backup names entries the restore does not have');
  assert.match(lostTail.stderr, /AUDIT_CHAIN_BROKEN/);

  // 5. The restored vault opens with the same key ring: the very bytes uploaded.
  const out = join(work, 'opened.png');
  const opened = await runPrevail(
    ['evidence', 'open', evidenceId, '--dir', vaultRestored, ...restored, '--reason', 'restore drill', '--out', out],
    env,
  );
  assert.equal(opened.code, 0, opened.stderr);
  assert.deepEqual(new Uint8Array(await readFile(out)), image);
}

/** A multipart upload (`file` plus `fields`) with the admin key. */
async function upload(
  server: ServeProcess,
  key: string,
  path: string,
  file: Uint8Array,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file], { type: 'image/png' }), 'pattern.png');
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

describe('backup and restore (docs/deployment.md)', { timeout: 600_000 }, () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'prevail-backup-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('SQLite: sqlite3 .backup of the live database, restored into a new data directory', async (t) => {
    const skip = await missingTool('sqlite3', ['--version']);
    if (skip !== false) return t.skip(skip);
    const dataDir = join(work, 'sqlite-data');
    const backupDir = join(work, 'sqlite-backup');
    const restoredDir = join(work, 'sqlite-restored');
    await backupAndRestore(join(work, 'sqlite'), {
      source: ['--data-dir', dataDir],
      async backup() {
        await mkdir(backupDir, { recursive: true });
        await run('sqlite3', [join(dataDir, 'prevail.sqlite'), `.backup '${join(backupDir, 'prevail.sqlite')}'`]);
        await copyFile(join(dataDir, 'console-secret'), join(backupDir, 'console-secret'));
        const { stdout } = await run('sqlite3', [join(backupDir, 'prevail.sqlite'), 'pragma integrity_check']);
        assert.equal(stdout.trim(), 'ok');
      },
      async restore() {
        await mkdir(restoredDir, { recursive: true });
        await copyFile(join(backupDir, 'prevail.sqlite'), join(restoredDir, 'prevail.sqlite'));
        await copyFile(join(backupDir, 'console-secret'), join(restoredDir, 'console-secret'));
        return ['--data-dir', restoredDir];
      },
    });
  });

  test('PostgreSQL: pg_dump -Fc of the live database, pg_restore into a new database', async (t) => {
    const skip =
      (await postgresSkipReason()) ||
      (await missingTool('pg_dump', ['--version'])) ||
      (await missingTool('pg_restore', ['--version']));
    if (skip !== false) return t.skip(skip);
    const suffix = `${process.pid}_${Date.now()}`;
    const sourceName = `prevail_backup_src_${suffix}`;
    const restoredName = `prevail_backup_dst_${suffix}`;
    const urlOf = (name: string) => {
      const url = new URL(postgresConnectionString);
      url.pathname = `/${name}`;
      return url.toString();
    };
    const admin = new Client({ connectionString: postgresConnectionString });
    await admin.connect();
    const dump = join(work, 'prevail.dump');
    try {
      await admin.query(`create database ${escapeIdentifier(sourceName)}`);
      await backupAndRestore(join(work, 'postgres'), {
        source: ['--data-dir', join(work, 'pg-data'), '--database-url', urlOf(sourceName)],
        async backup() {
          await run('pg_dump', ['--format=custom', '--file', dump, '--dbname', urlOf(sourceName)]);
        },
        async restore() {
          await admin.query(`create database ${escapeIdentifier(restoredName)}`);
          await run('pg_restore', ['--exit-on-error', '--no-owner', '--dbname', urlOf(restoredName), dump]);
          return ['--data-dir', join(work, 'pg-data'), '--database-url', urlOf(restoredName)];
        },
      });
    } finally {
      for (const name of [sourceName, restoredName])
        await admin.query(`drop database if exists ${escapeIdentifier(name)} with (force)`);
      await admin.end();
    }
  });
});
