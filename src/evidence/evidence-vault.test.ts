import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { type EvidenceAuditAction, EvidenceVault } from './evidence-vault.js';
import { evidenceKeyFromEnvironment } from './key-ring.js';

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'prevail-evidence-'));
});
after(() => rm(directory, { recursive: true, force: true }));

function vault(options: { key?: Buffer; now?: () => number; folder?: string } = {}) {
  const audit: EvidenceAuditAction[] = [];
  const instance = new EvidenceVault({
    directory: options.folder ?? directory,
    key: options.key ?? Buffer.alloc(32, 7),
    audit: async (action) => audit.push(action),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { instance, audit };
}

const media = Buffer.from('synthetic benign test bytes');
const item = {
  kind: 'stream_frame',
  subject: 'stream:s-test',
  mediaType: 'image/png',
  media,
  context: { t: 12.5 },
  actor: 'system:streams',
  reason: 'bank match',
};

test('preserved media is encrypted at rest, audited, and read back only with a reason', async () => {
  const { instance, audit } = vault();
  const record = await instance.preserve(item);
  const stored = await readFile(join(directory, `${record.id}.evidence`));
  assert.equal(stored.includes(media), false, 'the bytes are not stored in clear');
  assert.equal(record.bytes, media.length);
  const opened = await instance.open(record.id, { actor: 'person:reviewer', reason: 'case 7 review' });
  assert.deepEqual(opened.media, media);
  assert.deepEqual(
    audit.map((entry) => [entry.action, entry.actor, entry.reason]),
    [
      ['evidence.preserve', 'system:streams', 'bank match'],
      ['evidence.view', 'person:reviewer', 'case 7 review'],
    ],
  );
});

test('a wrong key, an edited record or edited bytes make the item unreadable', async () => {
  const { instance } = vault();
  const record = await instance.preserve(item);
  const wrongKey = vault({ key: Buffer.alloc(32, 8) }).instance;
  const unreadable = (error: unknown) => isEngineError(error) && error.code === 'EVIDENCE_UNREADABLE';
  await assert.rejects(wrongKey.open(record.id, { actor: 'p', reason: 'r' }), unreadable);
  const recordPath = join(directory, `${record.id}.json`);
  const original = await readFile(recordPath, 'utf8');
  await writeFile(recordPath, original.replace('stream:s-test', 'stream:s-other'));
  await assert.rejects(instance.open(record.id, { actor: 'p', reason: 'r' }), unreadable);
  await writeFile(recordPath, original);
  const bytesPath = join(directory, `${record.id}.evidence`);
  const bytes = await readFile(bytesPath);
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  await writeFile(bytesPath, bytes);
  await assert.rejects(instance.open(record.id, { actor: 'p', reason: 'r' }), unreadable);
  await assert.rejects(
    instance.open('not-an-id', { actor: 'p', reason: 'r' }),
    (error: unknown) => isEngineError(error) && error.code === 'EVIDENCE_NOT_FOUND',
  );
});

test('items past their retention are refused and purged; others stay', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'prevail-evidence-purge-'));
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const { instance, audit } = vault({ folder, now: () => nowMs });
  const old = await instance.preserve(item);
  nowMs += 200 * 86_400_000;
  const recent = await instance.preserve(item);
  nowMs += 200 * 86_400_000;
  await assert.rejects(
    instance.open(old.id, { actor: 'p', reason: 'r' }),
    (error: unknown) => isEngineError(error) && error.code === 'EVIDENCE_NOT_FOUND',
  );
  assert.deepEqual(await instance.purgeExpired('system:purge'), [old.id]);
  assert.deepEqual((await readdir(folder)).sort(), [`${recent.id}.evidence`, `${recent.id}.json`, `${recent.id}.key`]);
  assert.equal(audit.at(-1)?.action, 'evidence.purge');
  await rm(folder, { recursive: true, force: true });
});

test('the key comes from PREVAIL_EVIDENCE_KEY as 64 hex characters', () => {
  const key = randomBytes(32);
  assert.deepEqual(evidenceKeyFromEnvironment({ PREVAIL_EVIDENCE_KEY: key.toString('hex') }), key);
  assert.throws(() => evidenceKeyFromEnvironment({}), /PREVAIL_EVIDENCE_KEY/);
  assert.throws(() => evidenceKeyFromEnvironment({ PREVAIL_EVIDENCE_KEY: 'abc' }), /64 hex/);
});
