import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/logging/index.js';
import { openStorage } from '../../src/storage/index.js';
import { examplePacks, examplePolicy, syntheticEvent } from '../support/engine-harness.js';

/** A logger at `level` whose JSON lines are collected in `lines`. */
function capturingLogger(level: 'info' | 'warn') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

test('Structured logging: the engine reports an unusable feature snapshot through the logger it is given', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-edge-logging-'));
  try {
    const policy = join(directory, 'policy');
    await cp(examplePolicy, policy, { recursive: true });
    const dataDir = join(directory, 'data');
    let storage = await openStorage({ dataDir });
    const first = await openEngine(storage.engine, policy, { packRegistry: examplePacks, snapshotEvery: 1 });
    await first.engine.ingest(
      [
        syntheticEvent(
          'payment.sent',
          { payment_account: 'acct-l', payee_account: 'payee-l' },
          { amount: 5, currency: 'USD' },
          '2026-11-10T00:00:00Z',
        ),
      ],
      { wait: true },
    );
    await first.engine.checkpoint();
    await storage.close();
    const featuresFile = join(policy, 'features.yaml');
    const text = await readFile(featuresFile, 'utf8');
    const changed = text.replace(/(name: payments_sent_30d[\s\S]*?window: )30d/, '$17d');
    assert.notEqual(changed, text, 'the policy changed');
    await writeFile(featuresFile, changed);

    storage = await openStorage({ dataDir });
    const { logger, lines } = capturingLogger('warn');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      await openEngine(storage.engine, policy, { packRegistry: examplePacks, logger });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      await storage.close();
    }
    const line = lines.find(
      (entry) => entry.msg === 'feature snapshot not used; rebuilding features from the event log',
    );
    assert.ok(line, `logged: ${JSON.stringify(lines)}`);
    assert.equal(line.level, 40);
    assert.deepEqual(
      warnings.filter((message) => message.includes('snapshot')),
      [],
      'no process warning',
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
