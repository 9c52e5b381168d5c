import assert from 'node:assert/strict';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hasCode, temporaryVaultDirectory, testKeys } from './evidence-test-support.js';
import { type EvidenceAuditAction, EvidenceVault } from './evidence-vault.js';
import { parseEvidenceKeyRing } from './key-ring.js';

let directory: string;
before(async () => {
  directory = await temporaryVaultDirectory();
});
after(() => rm(directory, { recursive: true, force: true }));

const reader = { actor: 'person:reviewer', reason: 'synthetic review' };
const items = [
  { kind: 'cybertip_report_xml', mediaType: 'application/xml', media: Buffer.from('<report/>'), context: {} },
  { kind: 'reported_file', mediaType: 'image/png', media: Buffer.from('synthetic png'), context: { file: 1 } },
  { kind: 'case_timeline', mediaType: 'application/json', media: Buffer.from('[]'), context: {} },
];

function vaultWith(folder: string, onAudit: (action: EvidenceAuditAction) => Promise<void> = async () => {}) {
  const audit: EvidenceAuditAction[] = [];
  const vault = new EvidenceVault({
    directory: folder,
    keyRing: parseEvidenceKeyRing(`k1:${testKeys.k1}`),
    audit: async (action) => {
      audit.push(action);
      await onAudit(action);
    },
  });
  return { vault, audit };
}

test('a bundle preserves every item under one subject, retention and audit entry', async () => {
  const folder = join(directory, 'whole');
  const { vault, audit } = vaultWith(folder);
  const retainUntil = new Date(Date.now() + 400 * 86_400_000);
  const { bundleId, records } = await vault.preserveBundle({
    subject: 'case:12',
    kind: 'cybertip_report',
    retainUntil,
    items,
    actor: 'system:reports',
    reason: 'NCMEC receipt of report 1234 (synthetic)',
  });
  assert.equal(records.length, 3);
  for (const [index, record] of records.entries()) {
    assert.deepEqual(record.bundle, { id: bundleId, kind: 'cybertip_report' });
    assert.equal(record.retainUntil, retainUntil.toISOString());
    assert.deepEqual((await vault.open(record.id, reader)).media, items[index]?.media);
  }
  assert.equal(audit[0]?.action, 'evidence.preserve_bundle');
  assert.equal((audit[0]?.detail as { items: unknown[] } | undefined)?.items.length, 3);
  assert.equal((await vault.list({ subject: 'case:12' })).length, 3);
});

test('a bundle whose write fails half-way leaves nothing stored, and the discard is audited', async () => {
  const folder = join(directory, 'half');
  const { vault, audit } = vaultWith(folder, async (action) => {
    if (action.action !== 'evidence.preserve_bundle') return;
    // A directory where the second item's media file goes: its rename fails (EISDIR).
    const second = (action.detail as { items: { evidence: string }[] }).items[1]?.evidence;
    await mkdir(join(folder, `${second}.evidence`), { recursive: true });
  });
  await assert.rejects(
    vault.preserveBundle({ subject: 'case:12', kind: 'cybertip_report', items, actor: 'system:reports', reason: 'r' }),
  );
  const left = (await readdir(folder)).filter((name) => !name.endsWith('.evidence'));
  assert.deepEqual(left, [], 'no record, key or temporary file of the bundle remains');
  assert.deepEqual(
    audit.map((entry) => entry.action),
    ['evidence.preserve_bundle', 'evidence.discard'],
  );
  assert.deepEqual(await vault.list(), []);
});

test('a malformed bundle is EVIDENCE_INVALID before anything is audited or stored', async () => {
  const folder = join(directory, 'bad');
  const { vault, audit } = vaultWith(folder);
  const base = { subject: 'case:12', kind: 'cybertip_report', items, actor: 'system:reports', reason: 'r' };
  for (const bad of [
    { ...base, items: [] },
    { ...base, kind: '../x' },
    { ...base, subject: 'case:\u0000' },
    { ...base, items: [...items, { ...items[0], kind: 'BAD KIND' }] },
    { ...base, items: [...items, { ...items[0], media: 'text, not bytes' as unknown as Buffer }] },
    { ...base, retainUntil: '1999-01-01T00:00:00Z' },
  ]) {
    await assert.rejects(vault.preserveBundle(bad as typeof base), hasCode('EVIDENCE_INVALID'));
  }
  assert.equal(audit.length, 0);
  assert.deepEqual(await readdir(folder).catch(() => []), []);
});
