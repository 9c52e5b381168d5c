import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { dropPostgresSchemas, postgresSkipReason, postgresUrl } from '../../test/support/postgres.js';
import type { BankChangeFeed } from '../banks/index.js';
import { BankService } from '../banks/index.js';
import { signalTypes } from '../signals/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { BankFollower, Matcher } from './index.js';

/** A plainly fake PDQ value for item `n` (a digest: far from every other item's). */
function pdqOf(n: number): string {
  return createHash('sha256').update(`follow-${n}`).digest('hex');
}

const directories: string[] = [];
const schemas: string[] = [];
after(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
  await dropPostgresSchemas(schemas);
});

/** Polls `check` every 20 ms, at most 250 times (5 s): the follower works in the background. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 250; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`never: ${what}`);
}

function matcherOver(storage: Storage): Matcher {
  return new Matcher({
    repository: storage.banks,
    indexFactories: Object.fromEntries(signalTypes.map((type) => [type.name, () => type.createIndex()])),
  });
}

async function matched(matcher: Matcher, pdq: string): Promise<string[]> {
  return (await matcher.match({ signals: { pdq } }, { countForFlood: false })).matches.map((match) => match.bank);
}

/** A feed that loses every notice: only the follower's poll can see changes. */
function droppingNotices(feed: BankChangeFeed): BankChangeFeed {
  return {
    latest: () => feed.latest(),
    after: (seq, limit) => feed.after(seq, limit),
    listen: async () => async () => {},
  };
}

async function openBoth(backend: 'sqlite' | 'postgres'): Promise<{ reader: Storage; writer: Storage }> {
  if (backend === 'sqlite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-follow-'));
    directories.push(dataDir);
    return { reader: await openStorage({ dataDir }), writer: await openStorage({ dataDir }) };
  }
  const schema = `follow_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  const options = { databaseUrl: postgresUrl, schema };
  return { reader: await openStorage(options), writer: await openStorage(options) };
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`BankFollower over ${backend}`, async () => {
    const skip = backend === 'postgres' ? await postgresSkipReason() : false;

    test('follows another connection’s adds, bank changes and deletes, each id indexed once', { skip }, async () => {
      const { reader, writer } = await openBoth(backend);
      const matcher = matcherOver(reader);
      const writerBanks = new BankService(writer.banks);
      const errors: unknown[] = [];
      await writerBanks.createBank({ name: 'EARLY' });
      await writerBanks.addContent('EARLY', { signals: { pdq: pdqOf(1) } });
      const fromSeq = await reader.bankChanges.latest();
      // Committed after the start position, before the load: loaded, then applied once more, harmlessly.
      await writerBanks.addContent('EARLY', { signals: { pdq: pdqOf(2) } });
      await matcher.load();
      const follower = new BankFollower({
        feed: reader.bankChanges,
        repository: reader.banks,
        listener: matcher,
        fromSeq,
        pollMs: backend === 'sqlite' ? 50 : 60_000,
        onError: (error) => errors.push(error),
      });
      try {
        await follower.start();
        assert.deepEqual(await matched(matcher, pdqOf(3)), []);
        await writerBanks.createBank({ name: 'LATE' });
        const batch = await writerBanks.addContentBatch(await writerBanks.getBank('LATE'), [
          { signals: { pdq: pdqOf(3) } },
          { signals: { pdq: pdqOf(4) } },
        ]);
        assert.equal(batch.added, 2);
        await eventually(async () => (await matched(matcher, pdqOf(3))).includes('LATE'), 'the new bank matches');
        await eventually(() => matcher.status().find((s) => s.signalType === 'pdq')?.size === 4, 'four PDQ entries');

        await writerBanks.updateBank('LATE', { negative: true });
        await eventually(
          async () =>
            (await matcher.match({ signals: { pdq: pdqOf(3) } }, { countForFlood: false })).negative.length === 1,
          'the bank became negative here too',
        );

        const [early] = await writerBanks.listContent('EARLY', { limit: 1 });
        assert.ok(early !== undefined);
        await writerBanks.deleteContent(early.id);
        await writerBanks.deleteBank('LATE');
        await eventually(
          async () => (await matched(matcher, pdqOf(1))).length === 0,
          'the deleted item stops matching',
        );
        await eventually(
          async () =>
            (await matcher.match({ signals: { pdq: pdqOf(3) } }, { countForFlood: false })).negative.length === 0,
          'the deleted bank stops matching',
        );
        await eventually(() => matcher.status().find((s) => s.signalType === 'pdq')?.size === 1, 'one PDQ entry left');
        assert.equal(follower.seq, await reader.bankChanges.latest());
        assert.deepEqual(errors, []);
      } finally {
        await follower.stop();
        await reader.close();
        await writer.close();
      }
    });

    test('a lost notice is caught up by the poll', { skip }, async () => {
      const { reader, writer } = await openBoth(backend);
      const matcher = matcherOver(reader);
      const writerBanks = new BankService(writer.banks);
      const follower = new BankFollower({
        feed: droppingNotices(reader.bankChanges),
        repository: reader.banks,
        listener: matcher,
        fromSeq: await reader.bankChanges.latest(),
        pollMs: 100,
      });
      await matcher.load();
      try {
        await follower.start();
        await writerBanks.createBank({ name: 'POLLED' });
        await writerBanks.addContent('POLLED', { signals: { pdq: pdqOf(7) } });
        await eventually(
          async () => (await matched(matcher, pdqOf(7))).includes('POLLED'),
          'the poll finds the change',
        );
      } finally {
        await follower.stop();
        await reader.close();
        await writer.close();
      }
    });

    if (backend === 'postgres') {
      test('a notice wakes the follower long before its poll', { skip }, async () => {
        const { reader, writer } = await openBoth(backend);
        const matcher = matcherOver(reader);
        const writerBanks = new BankService(writer.banks);
        const follower = new BankFollower({
          feed: reader.bankChanges,
          repository: reader.banks,
          listener: matcher,
          fromSeq: await reader.bankChanges.latest(),
          pollMs: 3_600_000,
        });
        await matcher.load();
        try {
          await follower.start();
          await writerBanks.createBank({ name: 'NOTIFIED' });
          await writerBanks.addContent('NOTIFIED', { signals: { pdq: pdqOf(8) } });
          // The poll is an hour away: only NOTIFY can have woken it within the bound.
          await eventually(async () => (await matched(matcher, pdqOf(8))).includes('NOTIFIED'), 'the notice wakes it');
        } finally {
          await follower.stop();
          await reader.close();
          await writer.close();
        }
      });
    }
  });
}
