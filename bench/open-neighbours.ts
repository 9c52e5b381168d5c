/**
 * `npm run bench -- open-neighbours [--accounts N] [--batch B] [--rounds R] [--before DIR]` (N
 * default 20,000, B default 1,000, R default 5): what a worker's per-batch read of linked open
 * cases costs (`EngineStore.openNeighbours`, docs/scaling.md "Views shared across workers") as
 * the number of open cases grows, side by side in one run with the alternative it replaced:
 * reading every batch entity's ranked neighbourhood again (`EngineStore.linkNeighbours` over the
 * whole batch, which the first version of that read did; it then also needed the neighbours'
 * cases). With `--before DIR`, the same read on the code of another commit checked out in the
 * worktree DIR and built there (`npx tsc -p tsconfig.bench.json`), on the same schema: both
 * trees must have the same migrations.
 *
 * Store: a fresh schema of the machine's PostgreSQL (127.0.0.1, `PREVAIL_TEST_DATABASE_URL` or
 * database `test`), dropped at the end. Links, all fake: N accounts each paying 3 of 100 hub
 * payees and owned by one of N/2 users (so each hub has about 3N/100 neighbours, far more than
 * the 64 kept), each link seen at its own minute. Open cases, on accounts and users picked at
 * random: 0, 100, 1,000 and 10,000, added in that order. A batch: B entities, the payers and
 * payees of B/2 payments (so every batch names hubs). Each side first reads 8 batches untimed (a
 * worker reads once per batch for as long as it runs, and a prepared statement's first runs on a
 * connection are planned afresh). Per open-case count and round, the sides read the same batch,
 * in turns; the figure is the median wall time per batch (the reads are one round trip each,
 * most of the time inside PostgreSQL), with the rows each returned, which must be the same on
 * both sides of `--before`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { openStorage } from '../src/storage/index.js';
import { mulberry32 } from '../test/support/mulberry32.js';
import {
  dropPostgresSchemas,
  postgresConnectionString,
  postgresSkipReason,
  postgresUrl,
} from '../test/support/postgres.js';
import { median } from './lib/median.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { option, textOption } from './lib/side-options.js';
import { buildRoots } from './lib/side-runs.js';

type StorageDoor = typeof import('../src/storage/index.js');

const hubs = 100;
const openCaseSteps = [0, 100, 1_000, 10_000] as const;
/** Batches each side reads before the timed ones (see the warm-up below). */
const warmUpBatches = 8;

/** The neighbours named in a read, over all its entities. */
const neighbourCount = (found: ReadonlyMap<string, readonly unknown[]>) =>
  [...found.values()].reduce((sum, list) => sum + list.length, 0);

export async function run(args: string[]): Promise<void> {
  const accounts = option(args, '--accounts', 20_000);
  const batchSize = option(args, '--batch', 1_000);
  const rounds = option(args, '--rounds', 5);
  const beforeDirectory = textOption(args, '--before');
  const beforeRoot = buildRoots(beforeDirectory, 'storage').before;
  if (batchSize > accounts + hubs)
    throw new Error(`--batch takes at most --accounts + ${hubs} (the distinct entities a batch can name)`);
  const skip = await postgresSkipReason();
  if (skip !== false) {
    console.log(`open-neighbours: skipped: ${skip}`);
    return;
  }
  const schema = `bench_open_neighbours_${randomBytes(4).toString('hex')}`;
  const storage = await openStorage({ databaseUrl: postgresUrl, schema });
  const before =
    beforeRoot === undefined
      ? undefined
      : await (
          (await import(pathToFileURL(join(beforeRoot, 'src', 'storage', 'index.js')).href)) as StorageDoor
        ).openStorage({ databaseUrl: postgresUrl, schema });
  const pg = new Client({ connectionString: postgresConnectionString });
  await pg.connect();
  try {
    await pg.query(`set search_path to "${schema}"`);
    // Links: account → 3 hubs (pays), user → account (owns_account), one minute apart.
    await pg.query(
      `insert into entity_links (from_entity, to_entity, kind, first_seen, last_seen, count)
       select 'payment_account:acct-' || a, 'payment_account:hub-' || ((a * 7 + k * 31) % $2), 'pays', t, t, 1
         from generate_series(0, $1 - 1) a, generate_series(0, 2) k,
              lateral (select to_char(timestamp '2026-11-01' + ((a * 3 + k) * interval '1 minute'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t) s
       on conflict do nothing`,
      [accounts, hubs],
    );
    await pg.query(
      `insert into entity_links (from_entity, to_entity, kind, first_seen, last_seen, count)
       select 'user:u-' || (a / 2), 'payment_account:acct-' || a, 'owns_account', t, t, 1
         from generate_series(0, $1 - 1) a,
              lateral (select to_char(timestamp '2026-11-01' + (a * interval '1 minute'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t) s`,
      [accounts],
    );
    await pg.query('analyze entity_links');
    const links = Number((await pg.query<{ n: string }>('select count(*) as n from entity_links')).rows[0]?.n);
    console.log(
      `open-neighbours: ${links.toLocaleString('en')} links, ${accounts.toLocaleString('en')} accounts, ${hubs} hubs, batches of ${batchSize}`,
    );

    const engine = storage.engine;
    const rows: (string | number)[][] = [];
    const results: Record<string, unknown>[] = [];
    const opened = new Set<string>();
    const next = mulberry32(1);
    const random = () => next() / 2 ** 32;
    // Subjects there are to open cases on: the accounts and their owners.
    const subjectsAvailable = accounts + Math.ceil(accounts / 2);
    const steps = openCaseSteps.filter((count) => count <= subjectsAvailable / 2);
    if (steps.length < openCaseSteps.length)
      console.log(
        `open-neighbours: ${accounts} accounts are too few for ${openCaseSteps.filter((count) => !steps.includes(count)).join(', ')} open cases; those steps are skipped`,
      );
    /** A batch: the payers and payees of payments picked at random. */
    const nextBatch = () => {
      const batch = new Set<string>();
      while (batch.size < batchSize) {
        batch.add(`payment_account:acct-${Math.floor(random() * accounts)}`);
        batch.add(`payment_account:hub-${Math.floor(random() * hubs)}`);
      }
      return [...batch];
    };
    // A worker reads once per batch, for as long as it runs; a prepared statement's first runs on
    // a connection are planned afresh, so each side reads a few batches untimed first.
    for (let warmUp = 0; warmUp < warmUpBatches; warmUp++) {
      const entities = nextBatch();
      await engine.openNeighbours(entities);
      await before?.engine.openNeighbours(entities);
    }
    for (const openCases of steps) {
      // Open cases on accounts and users picked at random (each subject once).
      const subjects = new Set<string>();
      while (opened.size + subjects.size < openCases) {
        const subject =
          random() < 0.5
            ? `payment_account:acct-${Math.floor(random() * accounts)}`
            : `user:u-${Math.floor((random() * accounts) / 2)}`;
        if (!opened.has(subject)) subjects.add(subject);
      }
      if (subjects.size > 0) {
        await pg.query(
          `insert into cases (subject, status, priority, opened_at, updated_at)
           select s, 'open', 'normal', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z' from unnest($1::text[]) s`,
          [[...subjects]],
        );
        await pg.query('analyze cases');
        for (const subject of subjects) opened.add(subject);
      }
      const open: number[] = [];
      const openBefore: number[] = [];
      const reload: number[] = [];
      let openRows = 0;
      let reloadRows = 0;
      for (let round = 0; round < rounds; round++) {
        const entities = nextBatch();
        let started = performance.now();
        const found = await engine.openNeighbours(entities);
        open.push(performance.now() - started);
        openRows = neighbourCount(found);
        if (before !== undefined) {
          started = performance.now();
          const theirs = await before.engine.openNeighbours(entities);
          openBefore.push(performance.now() - started);
          if (neighbourCount(theirs) !== openRows)
            throw new Error(`the before side found ${neighbourCount(theirs)} open neighbours, this code ${openRows}`);
        }
        started = performance.now();
        reloadRows = neighbourCount(await engine.linkNeighbours(entities, 64));
        reload.push(performance.now() - started);
      }
      const openMs = median(open);
      const beforeMs = before === undefined ? undefined : median(openBefore);
      const reloadMs = median(reload);
      rows.push([
        openCases.toLocaleString('en'),
        openMs.toFixed(1),
        openRows,
        ...(beforeMs === undefined ? [] : [beforeMs.toFixed(1), (beforeMs / openMs).toFixed(2)]),
        reloadMs.toFixed(1),
        reloadRows,
        (reloadMs / openMs).toFixed(2),
      ]);
      results.push({
        openCases,
        openNeighboursMs: openMs,
        openNeighboursRows: openRows,
        ...(beforeMs === undefined ? {} : { beforeOpenNeighboursMs: beforeMs, runsBeforeOpenNeighboursMs: openBefore }),
        linkNeighboursMs: reloadMs,
        linkNeighboursRows: reloadRows,
        runsOpenNeighboursMs: open,
        runsLinkNeighboursMs: reload,
      });
    }
    printTable(
      [
        'open cases',
        'openNeighbours ms/batch',
        'rows',
        ...(before === undefined ? [] : ['before ms/batch', 'before ÷ this']),
        'linkNeighbours ms/batch',
        'rows',
        'linkNeighbours ÷ openNeighbours',
      ],
      rows,
    );
    await finishBenchmark('open-neighbours', {
      accounts,
      hubs,
      links,
      batchSize,
      rounds,
      warmUpBatches,
      ...(beforeDirectory === undefined ? {} : { before: beforeDirectory }),
      steps: results,
    });
  } finally {
    await pg.end();
    await storage.close();
    await before?.close();
    await dropPostgresSchemas([schema]);
  }
}
