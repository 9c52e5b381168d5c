import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import {
  auditKeyId,
  generateAuditSigningKeys,
  openAuditCheckpoint,
  parseAuditPublicKey,
  parseAuditSigningKey,
  signAuditCheckpoint,
  writeAuditCheckpoint,
} from './audit-checkpoint.js';
import { AuditLog, genesisHash } from './audit-log.js';

const isCode = (code: string) => (error: unknown) => error instanceof EngineError && error.code === code;

describe('audit checkpoints', () => {
  const { privateKeyPem, publicKeyPem } = generateAuditSigningKeys();
  let directory: string;
  let storage: Storage;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-checkpoint-'));
    storage = await openStorage({ dataDir: join(directory, 'data') });
  });
  after(async () => {
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('keys are read as PEM or base64 DER; other key types and garbage are refused with a code', () => {
    const base64 = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
    const fromPem = parseAuditSigningKey(privateKeyPem);
    assert.equal(auditKeyId(parseAuditSigningKey(base64(privateKeyPem))), auditKeyId(fromPem));
    assert.equal(auditKeyId(parseAuditPublicKey(base64(publicKeyPem))), auditKeyId(fromPem));
    assert.equal(auditKeyId(parseAuditPublicKey(publicKeyPem)), auditKeyId(fromPem));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assert.throws(
      () => parseAuditSigningKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      (error) => isCode('AUDIT_CHECKPOINT_INVALID')(error) && /not Ed25519/.test((error as Error).message),
    );
    assert.throws(() => parseAuditSigningKey('not a key'), isCode('AUDIT_CHECKPOINT_INVALID'));
    assert.throws(() => parseAuditPublicKey(''), isCode('AUDIT_CHECKPOINT_INVALID'));
  });

  test('a signed checkpoint opens with its public key; any changed field breaks the signature', () => {
    const checkpoint = signAuditCheckpoint(
      { seq: 7, hash: 'a'.repeat(64) },
      parseAuditSigningKey(privateKeyPem),
      new Date('2026-12-06T09:00:00Z'),
    );
    const publicKey = parseAuditPublicKey(publicKeyPem);
    assert.deepEqual(openAuditCheckpoint(JSON.stringify(checkpoint), publicKey), checkpoint);
    for (const change of [{ seq: 6 }, { hash: 'b'.repeat(64) }, { time: '2026-12-06T09:00:01.000Z' }]) {
      assert.throws(
        () => openAuditCheckpoint(JSON.stringify({ ...checkpoint, ...change }), publicKey),
        (error) =>
          isCode('AUDIT_CHECKPOINT_INVALID')(error) && /signature does not verify/.test((error as Error).message),
        JSON.stringify(change),
      );
    }
    assert.throws(
      () => openAuditCheckpoint(JSON.stringify({ ...checkpoint, extra: 1 }), publicKey),
      isCode('AUDIT_CHECKPOINT_INVALID'),
    );
  });

  test('writeAuditCheckpoint writes the head, and nothing when the log has not moved since', async () => {
    const audit = new AuditLog(storage.engine.audit);
    const settings = { directory: join(directory, 'checkpoints'), signingKey: parseAuditSigningKey(privateKeyPem) };
    const empty = await writeAuditCheckpoint(audit, settings);
    assert.deepEqual([empty?.checkpoint.seq, empty?.checkpoint.hash], [0, genesisHash]);
    await audit.record({ actor: 'a', action: 'case.view', subject: 'case:1', reason: 'review' });
    const head = await audit.head();
    const written = await writeAuditCheckpoint(audit, settings, empty?.checkpoint);
    assert.equal(written?.checkpoint.seq, 1);
    assert.equal(await writeAuditCheckpoint(audit, settings, head), undefined, 'unchanged: not written again');
    const files = await readdir(settings.directory);
    assert.equal(files.length, 2, files.join(', '));
    assert.ok(
      files.every((file) => file.endsWith('.json')),
      'no temporary file is left',
    );
    const text = await readFile(written?.file ?? '', 'utf8');
    assert.deepEqual(openAuditCheckpoint(text, parseAuditPublicKey(publicKeyPem)).hash, head.hash);
  });
});
