import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { AuditLog } from '../../audit/index.js';
import { EvidenceVault } from '../../evidence/index.js';
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
