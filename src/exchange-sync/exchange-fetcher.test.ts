import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { caseBackends } from '../../test/support/case-backends.js';
import { exchangeRig, fakePdq, ScriptedUpstream, testKeyRing } from '../../test/support/exchange-rig.js';
import { EngineError } from '../core/index.js';
import { parseEvidenceKeyRing } from '../evidence/index.js';
import type { Storage } from '../storage/index.js';
import { ExchangeService } from './index.js';

const backends = await caseBackends();
const directories: string[] = [];
after(async () => {
  for (const backend of backends) await backend.cleanup();
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof EngineError && error.code === code;
}

const add = (n: number, metadata: Record<string, unknown> = {}) => ({
  key: `k-${n}`,
  record: { signals: [{ signalType: 'pdq', value: fakePdq(n) }], metadata: { n, ...metadata } },
});

/** Every upstream key of the bank and its pdq value, sorted. */
async function bankKeys(storage: Storage, bank: string): Promise<string[]> {
  const found = await storage.banks.getBankByName(bank);
  assert.ok(found);
  const items = await storage.banks.listContent(found.id, { limit: 10_000 });
  return items.map((item) => `${item.upstream?.key}=${item.signals.pdq}`).sort();
}

for (const backend of backends) {
  describe(`exchange fetches on ${backend.name}`, { skip: backend.skip }, () => {
    test('a full fetch then deltas: tombstones remove, updates replace; matches carry provenance at once', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const upstream = new ScriptedUpstream();
        upstream.log = [add(1), add(2, { classification: 'A1' }), add(3)];
        const { exchanges, matcher } = await exchangeRig(storage, { upstream, fetch: { commitEveryRecords: 2 } });
        await exchanges.add({ name: 'SCRIPTED', kind: 'scripted' });
        const first = await exchanges.fetch('SCRIPTED');
        assert.equal(first.upToDate, true);
        assert.equal(first.upserts, 3);
        assert.deepEqual(
          await bankKeys(storage, 'SCRIPTED'),
          [1, 2, 3].map((n) => `k-${n}=${fakePdq(n)}`),
        );
        const hit = await matcher.match({ signals: { pdq: fakePdq(2) } });
        assert.equal(hit.matches.length, 1);
        assert.deepEqual(hit.matches[0]?.provenance.upstream, {
          exchange: 'SCRIPTED',
          key: 'k-2',
          metadata: { n: 2, classification: 'A1' },
        });

        upstream.log.push({ key: 'k-1', record: null }, add(2, { classification: 'B9-never-seen' }), add(4));
        const second = await exchanges.fetch('SCRIPTED');
        assert.equal(second.removals, 1);
        assert.deepEqual(
          await bankKeys(storage, 'SCRIPTED'),
          [2, 3, 4].map((n) => `k-${n}=${fakePdq(n)}`),
        );
        // The withdrawn value stops matching as soon as the fetch returns (no rebuild, no wait).
        assert.equal((await matcher.match({ signals: { pdq: fakePdq(1) } })).matches.length, 0);
        const updated = await matcher.match({ signals: { pdq: fakePdq(2) } });
        assert.equal(updated.matches[0]?.provenance.upstream?.metadata.classification, 'B9-never-seen');
        // It resumed from the committed checkpoint, not from the beginning.
        assert.deepEqual(upstream.asked.at(-2), { position: 3, progressTimestamp: 1_700_000_003 });
        const status = await exchanges.status('SCRIPTED');
        assert.equal(status.fetchedItems, 3);
        assert.equal(status.upToDate, true);
        assert.equal(status.lastSucceeded, true);
        assert.equal(status.progressTimestamp, 1_700_000_006);
      } finally {
        await storage.close();
      }
    });

    test('replaying a committed page changes nothing; a commit by another owner is refused whole', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const upstream = new ScriptedUpstream();
        upstream.log = [add(1), add(2)];
        const { exchanges } = await exchangeRig(storage, { upstream });
        const exchange = await exchanges.add({ name: 'REPLAY', kind: 'scripted' });
        await exchanges.fetch('REPLAY');
        const before = await bankKeys(storage, 'REPLAY');
        assert.ok(
          await storage.exchanges.tryLease(exchange.id, 'me', new Date().toISOString(), '2999-01-01T00:00:00.000Z'),
        );
        const replay = await storage.exchanges.commitPage({
          exchangeId: exchange.id,
          bankId: exchange.bankId,
          exchangeName: 'REPLAY',
          leaseOwner: 'me',
          leaseUntil: '2999-01-01T00:00:00.000Z',
          changes: new Map([
            ['k-1', { signals: { pdq: fakePdq(1) }, metadata: { n: 1 } }],
            ['k-2', { signals: { pdq: fakePdq(2) }, metadata: { n: 2 } }],
            ['k-never', null],
          ]),
          replacesAll: false,
          checkpoint: { position: 2 },
          progressTimestamp: 5,
          committedAt: new Date().toISOString(),
        });
        assert.deepEqual(replay, { addedIds: [], removedIds: [], upserts: 0, removals: 0, skipped: 0 });
        assert.deepEqual(await bankKeys(storage, 'REPLAY'), before);
        // Another owner's commit is refused whole.
        await assert.rejects(
          storage.exchanges.commitPage({
            exchangeId: exchange.id,
            bankId: exchange.bankId,
            exchangeName: 'REPLAY',
            leaseOwner: 'someone-else',
            leaseUntil: '2999-01-01T00:00:00.000Z',
            changes: new Map([['k-1', null]]),
            replacesAll: false,
            checkpoint: { position: 99 },
            progressTimestamp: null,
            committedAt: new Date().toISOString(),
          }),
          hasCode('EXCHANGE_BUSY'),
        );
        assert.deepEqual(await bankKeys(storage, 'REPLAY'), before);
      } finally {
        await storage.close();
      }
    });

    test('a malformed page is retried, then the fetch fails, is recorded and commits nothing', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const upstream = new ScriptedUpstream();
        upstream.log = [add(1), add(2), add(3)];
        const { exchanges } = await exchangeRig(storage, { upstream, fetch: { malformedRetries: 2 } });
        await exchanges.add({ name: 'FLAKY', kind: 'scripted' });
        const malformed = () => new EngineError('EXCHANGE_PAGE_MALFORMED', 'truncated JSON');
        upstream.faults = [malformed(), malformed()];
        assert.equal((await exchanges.fetch('FLAKY')).upserts, 3);

        upstream.log.push(add(4));
        upstream.faults = [malformed(), malformed(), malformed()];
        await assert.rejects(exchanges.fetch('FLAKY'), hasCode('EXCHANGE_PAGE_MALFORMED'));
        const status = await exchanges.status('FLAKY');
        assert.equal(status.lastSucceeded, false);
        assert.equal(status.lastErrorCode, 'EXCHANGE_PAGE_MALFORMED');
        assert.equal(status.consecutiveFailures, 1);
        assert.deepEqual(status.checkpoint, { position: 3, progressTimestamp: 1_700_000_003 });
        assert.equal(status.leaseOwner, null, 'the lease is released after a failure');
        assert.equal((await exchanges.fetch('FLAKY')).upserts, 1);
        assert.equal((await exchanges.status('FLAKY')).consecutiveFailures, 0);
      } finally {
        await storage.close();
      }
    });

    test('one fetcher per exchange: a held lease refuses a second fetcher until it expires', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const upstream = new ScriptedUpstream();
        upstream.log = [add(1)];
        const { exchanges } = await exchangeRig(storage, { upstream });
        const exchange = await exchanges.add({ name: 'LEASED', kind: 'scripted' });
        const now = new Date().toISOString();
        assert.ok(await storage.exchanges.tryLease(exchange.id, 'other-process', now, '2999-01-01T00:00:00.000Z'));
        await assert.rejects(exchanges.fetch('LEASED'), hasCode('EXCHANGE_BUSY'));
        assert.equal(upstream.calls, 0);
        assert.equal((await exchanges.fetchDue()).busy[0], 'LEASED');
        // An expired lease (its holder died) is taken over.
        assert.ok(await storage.exchanges.tryLease(exchange.id, 'other-process', now, '2000-01-01T00:00:00.000Z'));
        assert.equal((await exchanges.fetch('LEASED')).upserts, 1);
      } finally {
        await storage.close();
      }
    });

    test('bad keys and signals are dropped and counted; a record left without signals removes its key', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const upstream = new ScriptedUpstream();
        upstream.pageSize = 10;
        upstream.log = [
          add(1),
          { key: 'bad\u0000key', record: { signals: [{ signalType: 'pdq', value: fakePdq(9) }], metadata: {} } },
          { key: 'x'.repeat(5000), record: { signals: [{ signalType: 'pdq', value: fakePdq(8) }], metadata: {} } },
          {
            key: 'k-2',
            record: {
              signals: [
                { signalType: 'tmk', value: 'abc' },
                { signalType: 'pdq', value: 'not-hex' },
                { signalType: 'md5', value: 'AAAABBBBCCCCDDDDAAAABBBBCCCCDDDD' },
              ],
              metadata: { deep: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) as unknown },
            },
          },
          { key: 'k-3', record: { signals: [{ signalType: 'pdq', value: 'zz' }], metadata: {} } },
        ];
        const { exchanges } = await exchangeRig(storage, { upstream });
        await exchanges.add({ name: 'HOSTILE', kind: 'scripted' });
        const report = await exchanges.fetch('HOSTILE');
        assert.equal(report.droppedKeys, 2);
        assert.equal(report.droppedSignals, 3);
        assert.equal(report.upserts, 2);
        const bank = await storage.banks.getBankByName('HOSTILE');
        const items = await storage.banks.listContent(bank?.id ?? 0, { limit: 10 });
        const k2 = items.find((item) => item.upstream?.key === 'k-2');
        assert.deepEqual(k2?.signals, { md5: 'aaaabbbbccccddddaaaabbbbccccdddd' });
        assert.match(String(k2?.upstream?.metadata.prevail_metadata_dropped), /deeper than 32/);
      } finally {
        await storage.close();
      }
    });

    test('a file snapshot: vanished lines are deleted, an unchanged file changes nothing, errors are coded', async () => {
      const storage = await backend.open(await backend.place());
      const directory = await mkdtemp(join(tmpdir(), 'prevail-exchange-file-'));
      directories.push(directory);
      const path = join(directory, 'list.txt');
      try {
        const { exchanges, matcher } = await exchangeRig(storage);
        await writeFile(path, `pdq ${fakePdq(1)}\npdq ${fakePdq(2)}\nmd5 ${'ab'.repeat(16)}\nnot a line\n`);
        await exchanges.add({ name: 'FILE_LIST', kind: 'file', config: { path } });
        const first = await exchanges.fetch('FILE_LIST');
        assert.equal(first.upserts, 3);
        await writeFile(path, `pdq ${fakePdq(2)}\npdq ${fakePdq(3)}\nmd5 ${'ab'.repeat(16)}\n`);
        const second = await exchanges.fetch('FILE_LIST');
        assert.deepEqual([second.upserts, second.removals], [1, 1]);
        assert.deepEqual(
          (await bankKeys(storage, 'FILE_LIST')).map((line) => line.split('=')[0]),
          [`md5:${'ab'.repeat(16)}`, `pdq:${fakePdq(2)}`, `pdq:${fakePdq(3)}`],
        );
        assert.equal((await matcher.match({ signals: { pdq: fakePdq(1) } })).matches.length, 0);
        assert.equal((await matcher.match({ signals: { pdq: fakePdq(3) } })).matches.length, 1);
        const third = await exchanges.fetch('FILE_LIST');
        assert.deepEqual([third.upserts, third.removals], [0, 0]);

        await rm(path);
        await assert.rejects(exchanges.fetch('FILE_LIST'), hasCode('EXCHANGE_UNAVAILABLE'));
        assert.equal((await bankKeys(storage, 'FILE_LIST')).length, 3, 'a missing file deletes nothing');
        await assert.rejects(
          exchanges.add({ name: 'RELATIVE', kind: 'file', config: { path: 'list.txt' } }),
          hasCode('EXCHANGE_INVALID'),
        );
        await assert.rejects(
          exchanges.add({ name: 'EXTRA', kind: 'file', config: { path, surprise: 1 } }),
          hasCode('EXCHANGE_INVALID'),
        );
        await assert.rejects(
          exchanges.add({ name: 'NUL', kind: 'file', config: { path: `/tmp/a\u0000b` } }),
          hasCode('EXCHANGE_INVALID'),
        );
        await assert.rejects(exchanges.add({ name: 'NOPE', kind: 'nope' }), hasCode('EXCHANGE_INVALID'));
        await assert.rejects(
          exchanges.add({ name: 'HUGE', kind: 'file', config: { path }, intervalSeconds: 1e300 }),
          hasCode('EXCHANGE_INVALID'),
        );
        await assert.rejects(
          exchanges.add({ name: 'FILE_LIST', kind: 'file', config: { path } }),
          hasCode('EXCHANGE_ALREADY_EXISTS'),
        );
        assert.equal(await storage.banks.getBankByName('RELATIVE'), undefined, 'nothing partial stored');
        assert.equal(await exchanges.remove('FILE_LIST'), true);
        assert.equal(await storage.banks.getBankByName('FILE_LIST'), undefined);
        assert.equal(await exchanges.remove('FILE_LIST'), false);
      } finally {
        await storage.close();
      }
    });

    test('credentials are sealed at rest, never shown, rotated to the current key', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const upstream = new ScriptedUpstream();
        const { exchanges, banks } = await exchangeRig(storage, { upstream });
        await exchanges.add({ name: 'SECRET', kind: 'scripted' });
        await exchanges.setCredentials({ exchange: 'SECRET' }, { token: 'fake-token-abc123' });
        const sealed = await storage.exchanges.getCredentials('exchange:SECRET');
        assert.ok(sealed !== undefined && !sealed.sealed.includes('fake-token-abc123'));
        assert.equal(sealed.keyId, 'k2');
        assert.equal(await exchanges.hasCredentials({ exchange: 'SECRET' }), true);
        await assert.rejects(
          exchanges.setCredentials({ exchange: 'SECRET' }, { token: 1 }),
          hasCode('EXCHANGE_INVALID'),
        );
        const rotatedRing = parseEvidenceKeyRing(`k3:${'33'.repeat(32)},k2:${'22'.repeat(32)}`);
        const next = new ExchangeService({
          repository: storage.exchanges,
          banks,
          kinds: exchanges.kinds,
          keyRing: rotatedRing,
        });
        assert.deepEqual(await next.rotateCredentials(), { rotated: 1, current: 0 });
        assert.equal((await storage.exchanges.getCredentials('exchange:SECRET'))?.keyId, 'k3');
        assert.deepEqual(await next.rotateCredentials(), { rotated: 0, current: 1 });
        // The old ring no longer opens them; a store without a ring cannot set any.
        await assert.rejects(
          exchanges.client(await exchanges.get('SECRET')),
          hasCode('EXCHANGE_CREDENTIALS_UNREADABLE'),
        );
        const noRing = new ExchangeService({ repository: storage.exchanges, banks, kinds: exchanges.kinds });
        await assert.rejects(
          noRing.setCredentials({ kind: 'scripted' }, { token: 'x' }),
          hasCode('EXCHANGE_CREDENTIALS_UNREADABLE'),
        );
        assert.ok(testKeyRing.keys.has('k1'));
      } finally {
        await storage.close();
      }
    });

    test("deleting an exchange's bank directly deletes its credentials; a new exchange of that name has none", async () => {
      const storage = await backend.open(await backend.place());
      try {
        const upstream = new ScriptedUpstream();
        const { exchanges, banks } = await exchangeRig(storage, { upstream });
        await exchanges.add({ name: 'GONE', kind: 'scripted' });
        await exchanges.add({ name: 'KEPT', kind: 'scripted' });
        await exchanges.setCredentials({ exchange: 'GONE' }, { token: 'fake-token-gone' });
        await exchanges.setCredentials({ exchange: 'KEPT' }, { token: 'fake-token-kept' });
        await exchanges.setCredentials({ kind: 'scripted' }, { token: 'fake-token-kind' });
        // As HMA's DELETE /c/bank/GONE and DELETE /v1/banks/GONE do: the bank, not the exchange.
        assert.equal((await banks.deleteBank('GONE')).deleted, true);
        assert.equal(await storage.exchanges.getExchange('GONE'), undefined);
        assert.equal(await storage.exchanges.getCredentials('exchange:GONE'), undefined);
        assert.deepEqual(
          (await storage.exchanges.listCredentialScopes()).map((row) => row.scope),
          ['api:scripted', 'exchange:KEPT'],
        );
        await exchanges.add({ name: 'GONE', kind: 'scripted' });
        assert.equal(await exchanges.hasCredentials({ exchange: 'GONE' }), false);
        assert.equal(await exchanges.hasCredentials({ exchange: 'KEPT' }), true);
      } finally {
        await storage.close();
      }
    });

    test('the time box ends an endless upstream with what was fetched committed', async () => {
      const storage = await backend.open(await backend.place());
      try {
        let position = 0;
        const endless = {
          kind: 'endless',
          description: 'never up to date (tests)',
          configFields: [],
          credentialFields: null,
          parseConfig: () => ({}),
          createClient: () => ({
            kind: 'endless',
            fetchPage: async () => {
              position++;
              await new Promise((resolve) => setTimeout(resolve, 5));
              return { deltas: [add(position)], checkpoint: { position }, more: true };
            },
          }),
        };
        const { exchanges } = await exchangeRig(storage, { kinds: [endless], fetch: { timeBoxMs: 200 } });
        await exchanges.add({ name: 'ENDLESS', kind: 'endless' });
        const report = await exchanges.fetch('ENDLESS');
        assert.equal(report.timedOut, true);
        assert.equal(report.upToDate, false);
        const status = await exchanges.status('ENDLESS');
        assert.equal(status.upToDate, false);
        assert.equal(status.fetchedItems, report.upserts);
        assert.ok(report.upserts > 0);
        // A shutdown's abort ends it the same way: what was fetched is committed, the lease freed.
        const stop = new AbortController();
        const stopping = exchanges.fetch('ENDLESS', { signal: stop.signal });
        setTimeout(() => stop.abort(), 30);
        const stopped = await stopping;
        assert.equal(stopped.timedOut, true);
        const after = await exchanges.status('ENDLESS');
        assert.equal(after.fetchedItems, report.upserts + stopped.upserts);
        assert.equal(after.leaseOwner, null);
      } finally {
        await storage.close();
      }
    });
  });
}
