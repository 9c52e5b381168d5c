import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { EngineError } from '../../src/core/index.js';
import { type ExchangeCheckpoint, type ExchangeKind, ncmecKind, stopnciiKind } from '../../src/exchanges/index.js';
import type { Storage } from '../../src/storage/index.js';
import { caseBackends } from '../support/case-backends.js';
import { exchangeRig, fakePdq } from '../support/exchange-rig.js';
import {
  listUpstream,
  type NcmecContractServer,
  type NcmecUpstreamEntry,
  startNcmecContractServer,
} from '../support/ncmec-contract-server.js';
import {
  type StopnciiContractServer,
  type StopnciiUpstreamRecord,
  startStopnciiContractServer,
  stopnciiTestKeys,
} from '../support/stopncii-contract-server.js';

/**
 * The upstream kinds end to end: the fetch runner (lease, pages committed with their checkpoint,
 * the matcher following bank changes) driving the real clients against the contract servers, on
 * SQLite and PostgreSQL.
 */
const backends = await caseBackends();
const servers: (NcmecContractServer | StopnciiContractServer)[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const backend of backends) await backend.cleanup();
});

const t0 = Date.UTC(2026, 0, 10, 12, 0, 0) / 1000;
let clock = t0 * 1000;
const now = () => clock;
const fast = { now, baseDelayMs: 1, maxDelayMs: 5, retries: 1 };

function hex(i: number, length: number): string {
  return `${i.toString(16).padStart(8, '0')}cd`.repeat(8).slice(0, length);
}

function entry(i: number, timestamp: number, extra: Partial<NcmecUpstreamEntry> = {}): NcmecUpstreamEntry {
  return {
    member: 100 + (i % 3),
    id: `e${i}`,
    type: 'image',
    timestamp,
    classification: i % 2 === 0 ? 'A1' : 'B2',
    md5: hex(i, 32),
    pdq: fakePdq(i),
    ...extra,
  };
}

/** The latest state per key, tombstones gone: what the bank must hold. */
function expectedKeys(entries: readonly NcmecUpstreamEntry[]): string[] {
  const latest = new Map<string, NcmecUpstreamEntry>();
  for (const item of entries) latest.set(`${item.member}-${item.id}`, item);
  return [...latest]
    .filter(([, item]) => item.deleted !== true)
    .map(([key]) => key)
    .sort();
}

async function bankKeys(storage: Storage, bank: string): Promise<string[]> {
  const found = await storage.banks.getBankByName(bank);
  assert.ok(found);
  const items = await storage.banks.listContent(found.id, { limit: 100_000 });
  return items.map((item) => String(item.upstream?.key)).sort();
}

async function ncmecExchange(storage: Storage, url: string, fetch = {}) {
  const rig = await exchangeRig(storage, { kinds: [ncmecKind(fast)], fetch: { commitEveryRecords: 100, ...fetch } });
  if ((await rig.exchanges.find('NCMEC_TEST')) === undefined) {
    await rig.exchanges.add({ name: 'NCMEC_TEST', kind: 'ncmec', config: { environment: url } });
    await rig.exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
  }
  return rig;
}

for (const backend of backends) {
  describe(`upstream exchanges through the fetch runner on ${backend.name}`, { skip: backend.skip }, () => {
    test('NCMEC: a full fetch then deltas; the bank equals the upstream list; matches carry provenance', async () => {
      clock = t0 * 1000;
      let entries = Array.from({ length: 1200 }, (_, i) => entry(i, t0 - 80_000 + ((i * 7919) % 70_000)));
      const server = await startNcmecContractServer({ upstream: listUpstream(() => entries), now, pageSize: 500 });
      servers.push(server);
      const storage = await backend.open(await backend.place());
      try {
        const { exchanges, matcher } = await ncmecExchange(storage, server.url);
        const first = await exchanges.fetch('NCMEC_TEST');
        assert.equal(first.upToDate, true);
        assert.deepEqual(await bankKeys(storage, 'NCMEC_TEST'), expectedKeys(entries));
        const hit = await matcher.match({ signals: { pdq: fakePdq(7) } });
        assert.equal(hit.matches.length, 1);
        assert.equal(hit.matches[0]?.provenance.upstream?.exchange, 'NCMEC_TEST');
        assert.equal(hit.matches[0]?.provenance.upstream?.key, '101-e7');
        assert.equal(hit.matches[0]?.provenance.upstream?.metadata.classification, 'B2');

        // An hour later: 3 deleted, 1 reclassified, 50 new.
        clock += 3600_000;
        const later = t0 + 60;
        entries = [
          ...entries,
          ...[0, 1, 2].map((i) => entry(i, later, { deleted: true })),
          entry(7, later + 1, { classification: 'A2' }),
          ...Array.from({ length: 50 }, (_, k) => entry(5000 + k, later + 2 + k)),
        ];
        const asked = server.requests.length;
        const second = await exchanges.fetch('NCMEC_TEST');
        assert.equal(second.removals, 3);
        assert.deepEqual(await bankKeys(storage, 'NCMEC_TEST'), expectedKeys(entries));
        assert.ok(
          server.requests.slice(asked).every((path) => !path.includes('from=1970')),
          'the delta starts from the committed checkpoint',
        );
        assert.equal((await matcher.match({ signals: { pdq: fakePdq(1) } })).matches.length, 0);
        const reclassified = await matcher.match({ signals: { pdq: fakePdq(7) } });
        assert.equal(reclassified.matches[0]?.provenance.upstream?.metadata.classification, 'A2');

        // A reviewer's verdict on the match goes upstream as a vote on that entry's fingerprint.
        const key = String(reclassified.matches[0]?.provenance.upstream?.key);
        const sent = await exchanges.sendFeedback({
          exchange: 'NCMEC_TEST',
          key,
          verdict: 'false_positive',
          signalType: 'pdq',
        });
        assert.deepEqual(sent, { exchange: 'NCMEC_TEST', key: '101-e7', signalType: 'pdq', verdict: 'false_positive' });
        assert.equal(server.feedback.length, 1);
        assert.match(String(server.feedback[0]?.path), /\/v2\/entries\/101\/e7\/PDQ\/feedback$/);
        assert.match(String(server.feedback[0]?.body), /<negative><reasonIds><guid>/);
        for (const [input, code] of [
          [{ key: '999-nope' }, 'CONTENT_NOT_FOUND'],
          [{ key, signalType: 'sha256' }, 'EXCHANGE_INVALID'],
          [{ key, exchange: 'NOPE' }, 'EXCHANGE_NOT_FOUND'],
        ] as const) {
          await assert.rejects(
            exchanges.sendFeedback({ exchange: 'NCMEC_TEST', verdict: 'true_positive', ...input }),
            (error: unknown) => error instanceof EngineError && error.code === code,
          );
        }
        assert.equal(server.feedback.length, 1, 'nothing sent for a refused request');
      } finally {
        await storage.close();
      }
    });

    test('NCMEC: a fetch that fails mid-way keeps its committed pages; a restart resumes from the checkpoint', async () => {
      clock = t0 * 1000;
      const entries = Array.from({ length: 1500 }, (_, i) => entry(i, t0 - 50_000 + ((i * 37) % 40_000)));
      const server = await startNcmecContractServer({ upstream: listUpstream(() => entries), now, pageSize: 300 });
      servers.push(server);
      // The real client, but from its third page on the server answers 503 (both attempts).
      const real = ncmecKind(fast);
      const cutAfterTwoPages: ExchangeKind = {
        ...real,
        createClient(config, credentials) {
          const client = real.createClient(config, credentials);
          let pages = 0;
          return {
            kind: client.kind,
            fetchPage: (checkpoint, options) => {
              if (++pages === 3) server.faults.push({ status: 503 }, { status: 503 });
              return client.fetchPage(checkpoint, options);
            },
          };
        },
      };
      const place = await backend.place();
      const storage = await backend.open(place);
      let committed: ExchangeCheckpoint | null;
      let keysBefore: string[];
      try {
        const { exchanges } = await exchangeRig(storage, {
          kinds: [cutAfterTwoPages],
          fetch: { commitEveryRecords: 100 },
        });
        await exchanges.add({ name: 'NCMEC_TEST', kind: 'ncmec', config: { environment: server.url } });
        await exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
        await assert.rejects(exchanges.fetch('NCMEC_TEST'), (error: unknown) => {
          return error instanceof EngineError && error.code === 'EXCHANGE_UNAVAILABLE';
        });
        const status = await exchanges.status('NCMEC_TEST');
        assert.equal(status.lastSucceeded, false);
        committed = status.checkpoint;
        keysBefore = await bankKeys(storage, 'NCMEC_TEST');
        assert.equal(keysBefore.length, 600, 'the two pages read before the failure are committed');
      } finally {
        await storage.close();
      }

      const pagingUrl = String((committed?.paging_info as { paging_url?: unknown } | null)?.paging_url);
      assert.match(pagingUrl, /^\//, 'the committed checkpoint holds the cursor of page 3');
      const reopened = await backend.open(place);
      try {
        const asked = server.requests.length;
        const { exchanges } = await ncmecExchange(reopened, server.url);
        const resumed = await exchanges.fetch('NCMEC_TEST');
        assert.equal(resumed.upToDate, true);
        assert.equal(server.requests[asked], pagingUrl, 'the restart asks for page 3 first');
        assert.equal(resumed.upserts, 900, 'pages 1 and 2 are not read again');
        assert.deepEqual(await bankKeys(reopened, 'NCMEC_TEST'), expectedKeys(entries));
      } finally {
        await reopened.close();
      }
    });

    test('StopNCII: a withdrawn hash stops matching as soon as the fetch commits', async () => {
      clock = t0 * 1000;
      let records: StopnciiUpstreamRecord[] = Array.from({ length: 120 }, (_, i) => ({
        lastModtimestamp: t0 - 10_000 + i,
        signalType: 'ImagePDQ',
        hashValue: fakePdq(i),
        hashStatus: 'Active',
        caseNumbers: { [`case-${i}`]: 'Active' },
      }));
      const server = await startStopnciiContractServer({ records: () => records, now });
      servers.push(server);
      const storage = await backend.open(await backend.place());
      try {
        const { exchanges, matcher } = await exchangeRig(storage, { kinds: [stopnciiKind(fast)] });
        await exchanges.add({
          name: 'STOPNCII_TEST',
          kind: 'stop_ncii',
          config: { base_url: server.url, page_size: 50 },
        });
        await exchanges.setCredentials(
          { exchange: 'STOPNCII_TEST' },
          {
            subscription_key: stopnciiTestKeys.subscriptionKey,
            fetch_function_key: stopnciiTestKeys.fetchFunctionKey,
          },
        );
        await exchanges.fetch('STOPNCII_TEST');
        assert.equal((await matcher.match({ signals: { pdq: fakePdq(5) } })).matches.length, 1);
        assert.equal((await bankKeys(storage, 'STOPNCII_TEST')).length, 120);

        clock += 600_000;
        records = [
          ...records,
          { ...records[5], lastModtimestamp: t0 - 100, hashStatus: 'Withdrawn' } as StopnciiUpstreamRecord,
        ];
        const report = await exchanges.fetch('STOPNCII_TEST');
        assert.equal(report.removals, 1);
        assert.equal((await matcher.match({ signals: { pdq: fakePdq(5) } })).matches.length, 0);
        assert.equal((await matcher.match({ signals: { pdq: fakePdq(6) } })).matches.length, 1);
        assert.equal((await bankKeys(storage, 'STOPNCII_TEST')).length, 119);

        // Without SubmitFeedback's key the client takes no feedback (as HMA); with it, it does.
        await assert.rejects(
          exchanges.sendFeedback({ exchange: 'STOPNCII_TEST', key: `pdq:${fakePdq(6)}`, verdict: 'true_positive' }),
          (error: unknown) => error instanceof EngineError && error.code === 'EXCHANGE_FEEDBACK_UNSUPPORTED',
        );
        await exchanges.setCredentials(
          { exchange: 'STOPNCII_TEST' },
          {
            subscription_key: stopnciiTestKeys.subscriptionKey,
            fetch_function_key: stopnciiTestKeys.fetchFunctionKey,
            feedback_function_key: stopnciiTestKeys.feedbackFunctionKey,
          },
        );
        await exchanges.sendFeedback({ exchange: 'STOPNCII_TEST', key: `pdq:${fakePdq(6)}`, verdict: 'true_positive' });
        assert.deepEqual(server.feedback, [
          { count: 1, hashFeedbacks: [{ hashValue: fakePdq(6), feedbackValue: 'Blocked', tags: [] }] },
        ]);
      } finally {
        await storage.close();
      }
    });
  });
}
