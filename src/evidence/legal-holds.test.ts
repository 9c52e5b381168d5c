import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hasCode, syntheticItem, temporaryVaultDirectory, testVault } from './evidence-test-support.js';
import { preservationRetainUntil } from './preservation-period.js';

const dayMs = 86_400_000;
let directory: string;
before(async () => {
  directory = await temporaryVaultDirectory();
});
after(() => rm(directory, { recursive: true, force: true }));

const reader = { actor: 'person:reviewer', reason: 'synthetic review' };

test('purge never deletes an unexpired item nor one under an active hold; releasing the hold lets it go', async () => {
  const folder = join(directory, 'purge');
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const { vault, audit } = testVault(folder, ['k1'], () => nowMs);
  const held = await vault.preserve({ ...syntheticItem('case:12'), retentionMs: 10 * dayMs });
  const free = await vault.preserve({ ...syntheticItem('case:13'), retentionMs: 10 * dayMs });
  const longer = await vault.preserve({ ...syntheticItem('case:13'), retainUntil: '2027-06-01T00:00:00Z' });
  const byId = await vault.preserve({ ...syntheticItem('case:14'), retentionMs: 10 * dayMs });
  const hold = await vault.placeHold({
    subject: 'case:12',
    reason: 'law enforcement request (synthetic)',
    actor: 'person:counsel',
  });
  const itemHold = await vault.placeHold({
    itemIds: [byId.id],
    reason: 'synthetic hold on one item',
    actor: 'person:counsel',
    until: new Date(nowMs + 30 * dayMs),
  });
  nowMs += 1000;
  const later = await vault.preserve({ ...syntheticItem('case:12'), retentionMs: 10 * dayMs });

  nowMs += 20 * dayMs;
  assert.deepEqual(await vault.purgeExpired('system:retention'), [free.id]);
  assert.equal((await vault.open(held.id, reader)).record.id, held.id, 'a held item past retention stays readable');
  await assert.rejects(vault.open(free.id, reader), hasCode('EVIDENCE_NOT_FOUND'));
  const listed = await vault.list({ subject: 'case:12' });
  assert.deepEqual(
    listed.map((item) => [item.record.id, item.holds, item.expired]),
    [
      [held.id, [hold.id], true],
      [later.id, [hold.id], true],
    ],
    'a subject hold covers items preserved after it too',
  );

  nowMs += 20 * dayMs;
  assert.deepEqual(await vault.purgeExpired('system:retention'), [byId.id], 'an item hold lapses at its until');
  await vault.releaseHold({ holdId: hold.id, reason: 'request withdrawn (synthetic)', actor: 'person:counsel' });
  await assert.rejects(
    vault.releaseHold({ holdId: hold.id, reason: 'twice', actor: 'person:counsel' }),
    hasCode('EVIDENCE_HOLD_NOT_FOUND'),
  );
  assert.deepEqual((await vault.purgeExpired('system:retention')).sort(), [held.id, later.id].sort());
  assert.deepEqual(
    (await readdir(folder)).sort(),
    ['holds.json', `${longer.id}.evidence`, `${longer.id}.json`, `${longer.id}.key`].sort(),
    'the unexpired item and the holds file remain',
  );
  const holdsFile = JSON.parse(await readFile(join(folder, 'holds.json'), 'utf8'));
  assert.equal(holdsFile.holds.find((entry: { id: string }) => entry.id === hold.id).releasedBy, 'person:counsel');
  assert.equal(itemHold.until, new Date(Date.parse('2026-01-31T00:00:00Z')).toISOString());
  assert.deepEqual(
    audit.map((entry) => entry.action).filter((action) => action !== 'evidence.preserve'),
    [
      'evidence.hold',
      'evidence.hold',
      'evidence.purge',
      'evidence.view',
      'evidence.purge',
      'evidence.release',
      'evidence.purge',
    ],
  );
});

test('a malformed holds file stops every purge (nothing deleted)', async () => {
  const folder = join(directory, 'bad-holds');
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const { vault } = testVault(folder, ['k1'], () => nowMs);
  const item = await vault.preserve({ ...syntheticItem(), retentionMs: dayMs });
  nowMs += 2 * dayMs;
  await writeFile(join(folder, 'holds.json'), '{"format":"prevail-evidence-holds/1","holds":[{"id":1}]');
  await assert.rejects(vault.purgeExpired('system:retention'), hasCode('EVIDENCE_UNREADABLE'));
  assert.ok((await readdir(folder)).includes(`${item.id}.evidence`));
});

test('malformed holds and retention are EVIDENCE_INVALID or EVIDENCE_NOT_FOUND; nothing stored', async () => {
  const folder = join(directory, 'hostile');
  const nowMs = Date.parse('2026-01-01T00:00:00Z');
  const { vault, audit } = testVault(folder, ['k1'], () => nowMs);
  const actor = 'person:counsel';
  const reason = 'synthetic';
  const invalid = hasCode('EVIDENCE_INVALID');
  await assert.rejects(vault.placeHold({ reason, actor }), invalid, 'neither subject nor items');
  await assert.rejects(vault.placeHold({ subject: 'case:1', itemIds: [], reason, actor }), invalid);
  await assert.rejects(vault.placeHold({ itemIds: [], reason, actor }), invalid);
  await assert.rejects(vault.placeHold({ itemIds: ['../holds.json'], reason, actor }), invalid);
  await assert.rejects(
    vault.placeHold({ itemIds: ['0b6c2f36-9f0e-4d1c-8f55-2f1f7c7a1b01'], reason, actor }),
    hasCode('EVIDENCE_NOT_FOUND'),
  );
  await assert.rejects(vault.placeHold({ subject: 'case\u00001', reason, actor }), invalid);
  await assert.rejects(vault.placeHold({ subject: 'x'.repeat(256), reason, actor }), invalid);
  await assert.rejects(vault.placeHold({ subject: 'case:1', reason, actor, until: '2025-01-01T00:00:00Z' }), invalid);
  await assert.rejects(vault.placeHold({ subject: 'case:1', reason, actor, until: 'tomorrow' }), invalid);
  await assert.rejects(vault.releaseHold({ holdId: '../../x', reason, actor }), hasCode('EVIDENCE_HOLD_NOT_FOUND'));
  const item = syntheticItem();
  for (const bad of [
    { ...item, retainUntil: '2025-12-31T00:00:00Z' },
    { ...item, retainUntil: 'not a date' },
    { ...item, retainUntil: '9999-01-01T00:00:00Z' },
    { ...item, retentionMs: -1 },
    { ...item, retentionMs: Number.NaN },
    { ...item, retentionMs: 1, retainUntil: '2026-06-01T00:00:00Z' },
    { ...item, kind: '../x' },
    { ...item, kind: 'Stream Frame' },
    { ...item, subject: '' },
    { ...item, subject: 'user:\ud800' },
    { ...item, mediaType: 'image/png\n' },
    { ...item, context: { big: 1n } },
  ]) {
    await assert.rejects(vault.preserve(bad), invalid, JSON.stringify(Object.keys(bad)));
  }
  assert.equal(audit.length, 0);
  assert.deepEqual(await readdir(folder).catch(() => []), []);
});

test('preservation lasts a year from NCMEC’s receipt, or a longer voluntary period, never shorter', () => {
  assert.equal(preservationRetainUntil('2026-03-01T00:00:00Z').toISOString(), '2027-03-01T00:00:00.000Z');
  assert.equal(
    preservationRetainUntil(new Date('2026-03-01T00:00:00Z'), 730).toISOString(),
    '2028-02-29T00:00:00.000Z',
  );
  assert.throws(() => preservationRetainUntil('2026-03-01T00:00:00Z', 90), hasCode('EVIDENCE_INVALID'));
  assert.throws(() => preservationRetainUntil('soon'), hasCode('EVIDENCE_INVALID'));
});
