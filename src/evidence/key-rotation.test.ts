import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hasCode, syntheticItem, temporaryVaultDirectory, testKeys, testVault } from './evidence-test-support.js';
import { EvidenceVault } from './evidence-vault.js';

let directory: string;
before(async () => {
  directory = await temporaryVaultDirectory();
});
after(() => rm(directory, { recursive: true, force: true }));

const reader = { actor: 'person:reviewer', reason: 'synthetic review' };

test('items preserved under k1 are rewrapped to k2 by a rotation and then open with k2 alone', async () => {
  const folder = join(directory, 'rotate');
  const first = testVault(folder, ['k1']);
  const record = await first.vault.preserve(syntheticItem());
  const other = await first.vault.preserve(syntheticItem('stream:s-other', 'other synthetic bytes'));
  const mediaBefore = await readFile(join(folder, `${record.id}.evidence`));
  const keyBefore = JSON.parse(await readFile(join(folder, `${record.id}.key`), 'utf8'));
  assert.equal(keyBefore.keyId, 'k1');

  const rotating = testVault(folder, ['k2', 'k1']);
  const rotation = await rotating.vault.rotateKey('person:operator', 'scheduled key rotation');
  assert.deepEqual(rotation, { currentKeyId: 'k2', rewrapped: 2, converted: 0, unchanged: 0, failed: [] });
  assert.deepEqual(
    rotating.audit.map((entry) => [entry.action, entry.actor, entry.reason]),
    [['evidence.rotate_key', 'person:operator', 'scheduled key rotation']],
    'one audit entry for the whole rotation',
  );
  assert.deepEqual(await readFile(join(folder, `${record.id}.evidence`)), mediaBefore, 'the media is not rewritten');
  assert.equal(JSON.parse(await readFile(join(folder, `${record.id}.key`), 'utf8')).keyId, 'k2');
  assert.deepEqual(
    (await readdir(folder)).filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );

  const onlyK2 = testVault(folder, ['k2']);
  assert.equal((await onlyK2.vault.open(record.id, reader)).media.toString(), 'synthetic benign test bytes');
  assert.equal((await onlyK2.vault.open(other.id, reader)).media.toString(), 'other synthetic bytes');
  await assert.rejects(testVault(folder, ['k1']).vault.open(record.id, reader), hasCode('EVIDENCE_KEY_UNKNOWN'));
  const recordPath = join(folder, `${record.id}.json`);
  const recordText = await readFile(recordPath, 'utf8');
  await writeFile(recordPath, recordText.replace('stream:s-test', 'stream:s-edited'));
  await assert.rejects(
    onlyK2.vault.open(record.id, reader),
    hasCode('EVIDENCE_UNREADABLE'),
    'an edited record, after rotation',
  );
  await writeFile(recordPath, recordText);
  const mediaPath = join(folder, `${record.id}.evidence`);
  const flipped = Buffer.from(mediaBefore);
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
  await writeFile(mediaPath, flipped);
  await assert.rejects(
    onlyK2.vault.open(record.id, reader),
    hasCode('EVIDENCE_UNREADABLE'),
    'edited media, after rotation',
  );
  await writeFile(mediaPath, mediaBefore);
  const again = await onlyK2.vault.rotateKey('person:operator', 'again');
  assert.equal(again.unchanged, 2);
  assert.equal(again.rewrapped, 0);
});

test('a tampered, swapped or malformed key file, or a wrong key under the same id, is EVIDENCE_UNREADABLE', async () => {
  const folder = join(directory, 'tamper');
  const { vault } = testVault(folder, ['k1']);
  const a = await vault.preserve(syntheticItem());
  const b = await vault.preserve(syntheticItem());
  const keyPath = join(folder, `${a.id}.key`);
  const original = await readFile(keyPath, 'utf8');
  const parsed = JSON.parse(original);
  const wrapped = Buffer.from(parsed.wrapped, 'base64');
  wrapped[0] = (wrapped[0] ?? 0) ^ 1;
  await writeFile(keyPath, JSON.stringify({ ...parsed, wrapped: wrapped.toString('base64') }));
  await assert.rejects(vault.open(a.id, reader), hasCode('EVIDENCE_UNREADABLE'));
  await writeFile(keyPath, await readFile(join(folder, `${b.id}.key`)));
  await assert.rejects(vault.open(a.id, reader), hasCode('EVIDENCE_UNREADABLE'), 'a key file moved from another item');
  for (const junk of ['', 'null', '{"format":"prevail-evidence-key/1","keyId":"../k1"}', '\u0000\u0000']) {
    await writeFile(keyPath, junk);
    await assert.rejects(vault.open(a.id, reader), hasCode('EVIDENCE_UNREADABLE'), JSON.stringify(junk));
  }
  await writeFile(keyPath, JSON.stringify({ ...parsed, keyId: 'k2' }));
  await assert.rejects(vault.open(a.id, reader), hasCode('EVIDENCE_KEY_UNKNOWN'));
  await rm(keyPath);
  await assert.rejects(vault.open(a.id, reader), hasCode('EVIDENCE_UNREADABLE'), 'a missing key file');
  const impostor = new EvidenceVault({
    directory: folder,
    keyRing: { currentKeyId: 'k1', keys: new Map([['k1', Buffer.from(testKeys.k3, 'hex')]]) },
    audit: async () => undefined,
  });
  await assert.rejects(impostor.open(b.id, reader), hasCode('EVIDENCE_UNREADABLE'), 'another key with the same id');
  const rotation = await testVault(folder, ['k2', 'k1']).vault.rotateKey('person:operator', 'rotation');
  assert.deepEqual(rotation.failed, [{ id: a.id, code: 'EVIDENCE_UNREADABLE' }], 'the broken item is left alone');
  assert.equal(rotation.rewrapped, 1);
});

test('ids with path characters are refused before any file is touched', async () => {
  const { vault, audit } = testVault(join(directory, 'paths'), ['k1']);
  for (const id of ['../../etc/passwd', 'a/b', '..', '', 'A0000000-0000-4000-8000-000000000000', '\u0000']) {
    await assert.rejects(vault.open(id, reader), hasCode('EVIDENCE_NOT_FOUND'), JSON.stringify(id));
  }
  assert.equal(audit.length, 0);
});

test('items of the first format (PVEV1, no key file) open with the default key and are converted by a rotation', async () => {
  const folder = join(directory, 'legacy');
  await mkdir(folder, { recursive: true });
  const legacyKey = Buffer.from(testKeys.k1, 'hex');
  const media = Buffer.from('legacy synthetic bytes');
  const id = '0b6c2f36-9f0e-4d1c-8f55-2f1f7c7a1b01';
  const record = {
    id,
    kind: 'stream_frame',
    subject: 'stream:s-legacy',
    mediaType: 'image/png',
    createdAt: new Date().toISOString(),
    retainUntil: new Date(Date.now() + 86_400_000).toISOString(),
    sha256: createHash('sha256').update(media).digest('hex'),
    bytes: media.length,
    context: {},
  };
  const recordText = `${JSON.stringify(record, null, 2)}\n`;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', legacyKey, nonce);
  cipher.setAAD(Buffer.from(recordText));
  const sealed = Buffer.concat([cipher.update(media), cipher.final()]);
  await writeFile(join(folder, `${id}.json`), recordText);
  await writeFile(
    join(folder, `${id}.evidence`),
    Buffer.concat([Buffer.from('PVEV1'), nonce, cipher.getAuthTag(), sealed]),
  );

  const today = new EvidenceVault({ directory: folder, key: legacyKey, audit: async () => undefined });
  assert.deepEqual((await today.open(id, reader)).media, media);
  const anyId = new EvidenceVault({
    directory: folder,
    keyRing: {
      currentKeyId: 'k2',
      keys: new Map([
        ['k2', Buffer.from(testKeys.k2, 'hex')],
        ['k2026a', legacyKey],
      ]),
    },
    audit: async () => undefined,
  });
  assert.deepEqual((await anyId.open(id, reader)).media, media, 'the first format opens with any ring key');
  await assert.rejects(testVault(folder, ['k2']).vault.open(id, reader), hasCode('EVIDENCE_UNREADABLE'));
  assert.equal((await today.list())[0]?.keyId, 'default');
  const ring = new EvidenceVault({
    directory: folder,
    keyRing: {
      currentKeyId: 'k2',
      keys: new Map([
        ['k2', Buffer.from(testKeys.k2, 'hex')],
        ['default', legacyKey],
      ]),
    },
    audit: async () => undefined,
  });
  const rotation = await ring.rotateKey('person:operator', 'convert the first format');
  assert.equal(rotation.converted, 1);
  assert.equal((await readFile(join(folder, `${id}.evidence`))).subarray(0, 5).toString(), 'PVEV2');
  assert.deepEqual((await testVault(folder, ['k2']).vault.open(id, reader)).media, media);
  await assert.rejects(today.open(id, reader), hasCode('EVIDENCE_KEY_UNKNOWN'), 'the old key alone no longer reads it');
});
