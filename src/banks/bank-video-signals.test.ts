import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { BankService } from './bank-service.js';

const rejectsSettings = (error: unknown) => isEngineError(error) && error.code === 'BANK_INVALID_SETTINGS';

describe("a bank's videoSignals setting", () => {
  let directory: string;
  let storage: Storage;
  let banks: BankService;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-video-signals-'));
    storage = await openStorage({ dataDir: directory });
    banks = new BankService(storage.banks);
  });
  after(async () => {
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('is off by default, stored canonically (no repeats), kept across a reopen, apart from videoViews', async () => {
    assert.deepEqual((await banks.createBank({ name: 'PLAIN' })).videoSignals, []);
    const created = await banks.createBank({
      name: 'TMK',
      videoSignals: ['tmk_pdqf', 'tmk_pdqf'],
      videoViews: ['corners'],
    });
    assert.deepEqual(created.videoSignals, ['tmk_pdqf']);
    assert.deepEqual(created.videoViews, ['corners']);
    await storage.close();
    storage = await openStorage({ dataDir: directory });
    banks = new BankService(storage.banks);
    assert.deepEqual((await banks.getBank('TMK')).videoSignals, ['tmk_pdqf']);
    assert.deepEqual((await banks.getBank('PLAIN')).videoSignals, []);
    assert.deepEqual((await banks.updateBank('TMK', { videoViews: [] })).videoSignals, ['tmk_pdqf']);
    assert.deepEqual((await banks.updateBank('TMK', { videoSignals: [] })).videoSignals, []);
    assert.deepEqual((await banks.updateBank('TMK', { videoSignals: ['tmk_pdqf'] })).videoSignals, ['tmk_pdqf']);
  });

  test('hostile values are BANK_INVALID_SETTINGS and store nothing; tmk is no longer a view', async () => {
    const hostile: unknown[] = [
      'tmk_pdqf',
      ['tmk'],
      ['TMK_PDQF'],
      ['tmk_pdqf', 'vpdq'],
      ['pdq'],
      ['tmk_pdqf\u0000'],
      ['tmk\u00adpdqf'],
      [1],
      [null],
      [{ toString: () => 'tmk_pdqf' }],
      ['tmk_pdqf,tmk_pdqf'],
      ['x'.repeat(100_000)],
      { 0: 'tmk_pdqf', length: 1 },
      null,
    ];
    for (const [index, videoSignals] of hostile.entries()) {
      const name = `HOSTILE_${index}`;
      await assert.rejects(banks.createBank({ name, videoSignals: videoSignals as string[] }), rejectsSettings, name);
      assert.equal(await storage.banks.getBankByName(name), undefined, `${name} was not created`);
      await assert.rejects(banks.updateBank('PLAIN', { videoSignals: videoSignals as string[] }), rejectsSettings);
    }
    await assert.rejects(banks.createBank({ name: 'OLD_WAY', videoViews: ['tmk'] }), rejectsSettings);
    await assert.rejects(banks.updateBank('PLAIN', { videoViews: ['tmk'] }), rejectsSettings);
    // A refused setting beside a good one changes neither.
    await assert.rejects(
      banks.updateBank('PLAIN', { description: 'changed', videoSignals: ['nope'] }),
      rejectsSettings,
    );
    const unchanged = await banks.getBank('PLAIN');
    assert.deepEqual([unchanged.description, unchanged.videoSignals, unchanged.videoViews], ['', [], []]);
    const error = await banks
      .createBank({ name: 'LONG', videoSignals: ['x'.repeat(100_000)] })
      .catch((e: unknown) => e);
    assert.ok(isEngineError(error) && error.message.length < 200, 'the message does not echo a long value');
  });
});
