import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { AuditLog } from '../../audit/index.js';
import { EvidenceVault, parseEvidenceKeyRing } from '../../evidence/index.js';
import { openStorage } from '../../storage/index.js';
import { runCli } from '../main.js';

let directory: string;
const key = 'ab'.repeat(32);
const previousKey = process.env.PREVAIL_EVIDENCE_KEY;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'prevail-evidence-cli-'));
  process.env.PREVAIL_EVIDENCE_KEY = key;
});
after(async () => {
  if (previousKey === undefined) delete process.env.PREVAIL_EVIDENCE_KEY;
  else process.env.PREVAIL_EVIDENCE_KEY = previousKey;
  await rm(directory, { recursive: true, force: true });
});

test('evidence open decrypts an item to a file and the read is in the audit log', async () => {
  const dataDir = join(directory, 'data');
  const evidenceDir = join(directory, 'evidence');
  const storage = await openStorage({ dataDir });
  const audit = new AuditLog(storage.engine.audit);
  const vault = new EvidenceVault({
    directory: evidenceDir,
    key: Buffer.from(key, 'hex'),
    audit: (action) => audit.record(action),
  });
  const record = await vault.preserve({
    kind: 'stream_frame',
    subject: 'stream:s-cli',
    mediaType: 'image/png',
    media: Buffer.from('synthetic bytes'),
    context: {},
    actor: 'system:test',
    reason: 'synthetic match',
  });
  await storage.close();

  const out = join(directory, 'frame.png');
  const io = captureIo();
  const status = await runCli(
    [
      'evidence',
      'open',
      record.id,
      '--dir',
      evidenceDir,
      '--reason',
      'review of a synthetic case',
      '--out',
      out,
      '--data-dir',
      dataDir,
    ],
    io,
  );
  assert.equal(status, 0, io.errors());
  assert.equal(await readFile(out, 'utf8'), 'synthetic bytes');
  assert.equal(JSON.parse(io.output()).id, record.id);

  const reopened = await openStorage({ dataDir });
  const entries = await reopened.engine.audit.page(0, 10);
  await reopened.close();
  assert.deepEqual(
    entries.map((entry) => [entry.action, entry.reason]),
    [
      ['evidence.preserve', 'synthetic match'],
      ['evidence.view', 'review of a synthetic case'],
    ],
  );
  const verify = captureIo();
  assert.equal(await runCli(['audit', 'verify', '--data-dir', dataDir], verify), 0, verify.errors());
});

test('evidence rotate-key, hold, list, release and purge work from the command line, each audited', async () => {
  const dataDir = join(directory, 'data-ring');
  const evidenceDir = join(directory, 'evidence-ring');
  const k1 = '11'.repeat(32);
  const k2 = '22'.repeat(32);
  const storage = await openStorage({ dataDir });
  const audit = new AuditLog(storage.engine.audit);
  const vault = new EvidenceVault({
    directory: evidenceDir,
    keyRing: parseEvidenceKeyRing(`k1:${k1}`),
    audit: (action) => audit.record(action),
  });
  const record = await vault.preserve({
    kind: 'upload',
    subject: 'user:u-cli',
    mediaType: 'image/png',
    media: Buffer.from('synthetic upload bytes'),
    context: {},
    actor: 'system:test',
    reason: 'synthetic match',
  });
  await storage.close();
  const store = ['--dir', evidenceDir, '--data-dir', dataDir];
  const run = async (argv: string[], keys: string) => {
    const io = captureIo();
    const status = await runCli(argv, io, { PREVAIL_EVIDENCE_KEYS: keys, USER: 'operator' });
    return { status, io };
  };

  const rotated = await run(
    ['evidence', 'rotate-key', '--reason', 'scheduled rotation', ...store],
    `k2:${k2},k1:${k1}`,
  );
  assert.equal(rotated.status, 0, rotated.io.errors());
  assert.equal(JSON.parse(rotated.io.output()).rewrapped, 1);
  const out = join(directory, 'upload.bin');
  const opened = await run(['evidence', 'open', record.id, '--reason', 'review', '--out', out, ...store], `k2:${k2}`);
  assert.equal(opened.status, 0, opened.io.errors());
  assert.equal(await readFile(out, 'utf8'), 'synthetic upload bytes');
  const withOldKey = await run(
    ['evidence', 'open', record.id, '--reason', 'review', '--out', out, ...store],
    `k1:${k1}`,
  );
  assert.equal(withOldKey.status, 1);
  assert.match(withOldKey.io.errors(), /EVIDENCE_KEY_UNKNOWN/);
  const badRing = await run(['evidence', 'list', ...store], `k2:${k2.slice(2)}`);
  assert.equal(badRing.status, 2);
  assert.match(badRing.io.errors(), /CONFIG_INVALID: .*PREVAIL_EVIDENCE_KEYS/);
  assert.doesNotMatch(badRing.io.errors(), /2222222222/);

  const held = await run(
    ['evidence', 'hold', '--subject', 'user:u-cli', '--reason', 'preservation request (synthetic)', ...store],
    `k2:${k2}`,
  );
  assert.equal(held.status, 0, held.io.errors());
  const holdId = JSON.parse(held.io.output()).id as string;
  const listed = await run(['evidence', 'list', '--subject', 'user:u-cli', ...store], `k2:${k2}`);
  const listing = JSON.parse(listed.io.output());
  assert.deepEqual(
    listing.items.map((item: { record: { id: string }; keyId: string; holds: string[] }) => [
      item.record.id,
      item.keyId,
      item.holds,
    ]),
    [[record.id, 'k2', [holdId]]],
  );
  const released = await run(
    ['evidence', 'release', holdId, '--reason', 'request withdrawn (synthetic)', ...store],
    `k2:${k2}`,
  );
  assert.equal(released.status, 0, released.io.errors());
  const purged = await run(['evidence', 'purge', ...store], `k2:${k2}`);
  assert.deepEqual(JSON.parse(purged.io.output()), { purged: [] }, 'the item is within its retention');

  const reopened = await openStorage({ dataDir });
  const entries = await reopened.engine.audit.page(0, 20);
  await reopened.close();
  assert.deepEqual(
    entries.map((entry) => [entry.action, entry.actor]),
    [
      ['evidence.preserve', 'system:test'],
      ['evidence.rotate_key', 'person:operator'],
      ['evidence.view', 'person:operator'],
      ['evidence.view', 'person:operator'],
      ['evidence.hold', 'person:operator'],
      ['evidence.release', 'person:operator'],
    ],
    'the failed read with the old key is audited too (the read was attempted)',
  );
});
