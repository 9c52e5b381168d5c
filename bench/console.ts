/**
 * `npm run bench -- console [--cases N] [--timeline N] [--backends sqlite,postgres] [--requests N]
 * [--renders N]` (defaults: 100,000 cases, 1,000,000 timeline rows, both backends, 200 requests
 * per route after 20 warm-ups, 10 renders per page): the review console at issue 11's size, side
 * by side on SQLite and PostgreSQL.
 *
 * For each backend: the tables are created by `openStorage` (the real migrations), then seeded
 * directly with bulk inserts (cases with varied source, typology, priority, imminence and age, most
 * of them in queues; about 9 timeline rows per case, each rule-hit entry with its `rule_hits` row;
 * one hash-match case with 500 timeline rows of mixed kinds shaped like the engine's and its
 * subject's links two hops out). The
 * real server (`startServer`, engine on) then answers over HTTP on 127.0.0.1 to a signed-in
 * child-safety reviewer (opted in):
 * - API: `GET /console/api/queues`, `GET /console/api/queues/<q>/cases?limit=50` for the
 *   child-safety and general queues, `GET /console/api/cases/<the 500-row case>`; p50/p95/p99 ms;
 * - render: headless Chromium (Playwright) signs in through the login form once, then loads the
 *   queue page until its case table is visible, and the case page until all 500 timeline items are
 *   in the page; Playwright's wall time from navigation start (which also waits for the page's
 *   main thread to be free), median and p95; and, for information, when the table or the 500th
 *   item entered the document by the page's own clock (`… in page`).
 * Targets (issue 11): API p95 ≤ 200 ms, render ≤ 1 s.
 *
 * PostgreSQL: `$PREVAIL_TEST_DATABASE_URL` or postgres://127.0.0.1:5432/test, in a fresh schema
 * dropped afterwards. Needs the built console (`npm run build:console`) and Chromium.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client, escapeIdentifier } from 'pg';
import { defaultMaxPixels } from '../src/content/index.js';
import { createLogger } from '../src/logging/index.js';
import { type RunningServer, startServer } from '../src/main.js';
import { openStorage, resolveStorageTarget } from '../src/storage/index.js';
import { browserSkipReason, launchChromium } from '../test/support/browser.js';
import { postgresConnectionString, postgresUrl } from '../test/support/postgres.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

type Backend = 'sqlite' | 'postgres';

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

function backendsOption(args: string[]): Backend[] {
  const index = args.indexOf('--backends');
  if (index < 0) return ['sqlite', 'postgres'];
  const names = String(args[index + 1] ?? '').split(',');
  for (const name of names)
    if (name !== 'sqlite' && name !== 'postgres') throw new Error('--backends takes sqlite, postgres or both');
  return names as Backend[];
}

/** The API target and the render target of issue 11. */
const apiTargetMs = 200;
const renderTargetMs = 1000;
/** Timeline rows of the one case the case view is measured on. */
const bigTimeline = 500;
const day = 86_400_000;

// ---------------------------------------------------------------------------------------------
// The data set
// ---------------------------------------------------------------------------------------------

interface CaseRow {
  id: number;
  subject: string;
  status: string;
  priority: string;
  assignee: string | null;
  decision: string | null;
  opened_at: string;
  updated_at: string;
  closed_at: string | null;
  retain_until_ms: number | null;
  source: string;
  typology: string | null;
  imminent: boolean;
}

interface TimelineRow {
  case_id: number;
  ref: string;
  kind: string;
  time: string;
  summary: string;
  detail_json: string;
}

/** A deterministic pseudo-random number in [0, 1) for `i` and `salt`. */
function unit(i: number, salt: number): number {
  let x = (i * 2_654_435_761 + salt * 40_503) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x45d9f3b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x / 2 ** 32;
}

function pick<T>(items: readonly (readonly [T, number])[], roll: number): T {
  let at = 0;
  for (const [item, weight] of items) {
    at += weight;
    if (roll < at) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const statuses = [
  ['open', 0.78],
  ['in_review', 0.08],
  ['escalated', 0.04],
  ['decided', 0.05],
  ['reported', 0.02],
  ['closed', 0.03],
] as const;
const sources = [
  ['hash_match', 0.2],
  ['stream', 0.05],
  ['payments', 0.3],
  ['chat', 0.25],
  ['other', 0.2],
] as const;
const priorities = [
  ['low', 0.3],
  ['medium', 0.45],
  ['high', 0.2],
  ['urgent', 0.05],
] as const;

/** Case `id` of `total`, opened in the 90 days before `now`; `big` is the measured case. */
function caseRow(id: number, now: number, big: number): CaseRow {
  const status = id === big ? 'open' : pick(statuses, unit(id, 1));
  const source = id === big ? 'hash_match' : pick(sources, unit(id, 2));
  const opened = now - Math.floor(unit(id, 3) * 90 * day);
  const openedAt = new Date(opened).toISOString();
  const typologyRoll = unit(id, 4);
  const typology =
    source === 'payments'
      ? typologyRoll < 0.6
        ? 'ocse_payments'
        : null
      : source === 'chat' && typologyRoll < 0.3
        ? 'grooming'
        : null;
  const closedAt = status === 'closed' ? new Date(opened + day).toISOString() : null;
  return {
    id,
    subject: `user:bench-${id}`,
    status,
    priority: pick(priorities, unit(id, 5)),
    assignee: null,
    decision: status === 'decided' || status === 'reported' || status === 'closed' ? 'confirmed' : null,
    opened_at: openedAt,
    updated_at: closedAt ?? openedAt,
    closed_at: closedAt,
    retain_until_ms: status === 'closed' ? opened + day + 365 * day : null,
    source,
    typology,
    imminent: id !== big && unit(id, 6) < 0.01,
  };
}

const guidance = '[F16; FinCEN-25, FATF-25]';

/** Timeline entry `j` of case `row`, shaped like the engine's entries for its source. */
function timelineRow(row: CaseRow, j: number): TimelineRow {
  const time = new Date(Date.parse(row.opened_at) + j * 60_000).toISOString();
  const eventId = `bench-${row.id}-${j}`;
  const user = row.subject.slice('user:'.length);
  const slot = (j + row.id) % 9;
  if (slot === 0 || (slot === 1 && (row.source === 'hash_match' || row.source === 'stream'))) {
    const matches = [
      { bank: 'BENCH_BANK', contentId: 1000 + ((row.id * 7 + j) % 5000), signalType: 'pdq', distance: (j * 3) % 31 },
      ...(j % 4 === 0 ? [{ bank: 'BENCH_BANK_2', contentId: 77 + j, signalType: 'md5', distance: 0 }] : []),
    ];
    const type = row.source === 'stream' ? 'stream.frame_matched' : 'media.matched';
    const entities = row.source === 'stream' ? { user, stream: `room-${row.id}` } : { user };
    return eventEntry(row.id, 'match', time, {
      id: eventId,
      type,
      entities,
      data: { matches, ...(row.source === 'stream' ? { source: 'stream' } : {}) },
    });
  }
  if (slot === 2 || slot === 3) {
    const ruleId = ['ocse_small_payments', 'many_new_contacts', 'known_bad_media'][j % 3] as string;
    if (j % 6 === 0)
      return {
        case_id: row.id,
        ref: `typology:ocse_payments:${eventId}`,
        kind: 'rule_hit',
        time,
        summary: `typology ocse_payments reached ${40 + (j % 60)} (case at 40)`,
        detail_json: JSON.stringify({
          typology: 'ocse_payments',
          contributions: [
            { rule: ruleId, points: 20, reason: `many small payments to a high-risk corridor ${guidance}` },
            { rule: 'ocse_new_payee', points: 15, reason: `first payments to a new payee ${guidance}` },
          ],
        }),
      };
    return {
      case_id: row.id,
      ref: `hit:${eventId}:${ruleId}`,
      kind: 'rule_hit',
      time,
      summary: `${ruleId}: rule fired on ${user} ${guidance}`,
      detail_json: JSON.stringify({
        ruleId,
        effects: [
          { kind: 'typology', typology: 'ocse_payments', points: 20 },
          { kind: 'verdict', verdict: 'review' },
        ],
      }),
    };
  }
  if (slot === 4 && j % 2 === 0)
    return {
      case_id: row.id,
      ref: `label:${eventId}`,
      kind: 'label',
      time,
      summary: `label suspected_payer added to ${row.subject}`,
      detail_json: JSON.stringify({ label: 'suspected_payer', action: 'added', source: 'rule' }),
    };
  if (slot === 5 && j % 3 === 0)
    return {
      case_id: row.id,
      ref: `note:${eventId}`,
      kind: 'note',
      time,
      summary: 'reviewed the linked accounts; nothing further yet',
      detail_json: JSON.stringify({ actor: 'person:bench-reviewer' }),
    };
  const payment = row.source === 'payments' || slot % 2 === 0;
  const type = payment ? 'payment.sent' : 'message.sent';
  const entities = payment
    ? { payment_account: `payer-${row.id}`, payee_account: `payee-${(row.id * 31 + j) % 2000}` }
    : { user, recipient: `bench-contact-${(row.id + j) % 5000}` };
  return eventEntry(row.id, 'event', time, {
    id: eventId,
    type,
    entities,
    data: payment ? { amount: 5 + ((j * 13) % 200), currency: 'USD', payee_country: 'PH' } : { text: 'synthetic' },
  });
}

/** An event's timeline entry as the engine writes it: `event:<id>`, `<type> role=id …`, the event. */
function eventEntry(
  caseId: number,
  kind: 'match' | 'event',
  time: string,
  event: {
    readonly id: string;
    readonly type: string;
    readonly entities: Record<string, string>;
    readonly data: unknown;
  },
): TimelineRow {
  const roles = Object.entries(event.entities).map(([role, id]) => `${role}=${id}`);
  return {
    case_id: caseId,
    ref: `event:${event.id}`,
    kind,
    time,
    summary: `${event.type} ${roles.join(' ')}`,
    detail_json: JSON.stringify(event),
  };
}

interface LinkRow {
  from_entity: string;
  to_entity: string;
  kind: string;
  first_seen: string;
  last_seen: string;
  count: number;
}

interface HitRow {
  event_id: string;
  rule_id: string;
  event_seq: number;
  mode: string;
  subject: string;
  reason: string;
  effects_json: string;
  time: string;
}

/** The measured case's subject's links: 40 neighbours, each with 5 links of its own. */
function subjectLinks(row: CaseRow): LinkRow[] {
  const seen = row.opened_at;
  const links: LinkRow[] = [];
  const link = (from: string, to: string, kind: string) =>
    links.push({ from_entity: from, to_entity: to, kind, first_seen: seen, last_seen: seen, count: 3 });
  for (let n = 0; n < 40; n++) {
    const [kind, neighbour] = (
      [
        ['uses_device', `device:bench-d${n}`],
        ['uses_ip', `ip:10.0.${row.id % 250}.${n}`],
        ['owns_account', `payment_account:bench-pa${n}`],
        ['contacts', `user:bench-contact-${n}`],
      ] as const
    )[n % 4] as readonly [string, string];
    link(row.subject, neighbour, kind);
    for (let m = 0; m < 5; m++) link(`user:bench-other-${n}-${m}`, neighbour, kind);
  }
  return links;
}

/** The `rule_hits` row the engine records with a `hit:` timeline entry (every case's rule hits are stored). */
function hitRow(row: CaseRow, entry: TimelineRow, seq: number): HitRow | undefined {
  if (!entry.ref.startsWith('hit:')) return undefined;
  const detail = JSON.parse(entry.detail_json) as { ruleId: string; effects: unknown };
  return {
    event_id: entry.ref.slice('hit:'.length, entry.ref.length - detail.ruleId.length - 1),
    rule_id: detail.ruleId,
    event_seq: seq,
    mode: 'active',
    subject: row.subject,
    reason: entry.summary.slice(detail.ruleId.length + 2),
    effects_json: JSON.stringify(detail.effects),
    time: entry.time,
  };
}

interface DataSet {
  cases: number;
  timeline: number;
  big: number;
  now: number;
}

/** Timeline rows of case `id`: the measured case 500, the rest share what is left evenly. */
function rowsOf(set: DataSet, id: number): number {
  if (id === set.big) return bigTimeline;
  const others = set.cases - 1;
  const rest = Math.max(0, set.timeline - bigTimeline);
  const base = Math.floor(rest / others);
  const ordinal = id < set.big ? id : id - 1;
  return base + (ordinal <= rest - base * others ? 1 : 0);
}

/**
 * Calls `write` with batches of rows of each table: cases, then timeline rows with the rule hits
 * they record, then the measured subject's links.
 */
async function seed(
  set: DataSet,
  write: (table: 'cases' | 'case_timeline' | 'entity_links' | 'rule_hits', rows: object[]) => Promise<void> | void,
  batchRows: number,
): Promise<{ hits: number }> {
  let batch: object[] = [];
  for (let id = 1; id <= set.cases; id++) {
    batch.push(caseRow(id, set.now, set.big));
    if (batch.length === batchRows) {
      await write('cases', batch);
      batch = [];
    }
  }
  if (batch.length > 0) await write('cases', batch);
  batch = [];
  let hits: object[] = [];
  let seq = 0;
  for (let id = 1; id <= set.cases; id++) {
    const row = caseRow(id, set.now, set.big);
    const count = rowsOf(set, id);
    for (let j = 0; j < count; j++) {
      const entry = timelineRow(row, j);
      batch.push(entry);
      const hit = hitRow(row, entry, seq + 1);
      if (hit !== undefined) {
        seq++;
        hits.push(hit);
      }
      if (batch.length === batchRows) {
        await write('case_timeline', batch);
        batch = [];
      }
      if (hits.length === batchRows) {
        await write('rule_hits', hits);
        hits = [];
      }
    }
  }
  if (batch.length > 0) await write('case_timeline', batch);
  if (hits.length > 0) await write('rule_hits', hits);
  await write('entity_links', subjectLinks(caseRow(set.big, set.now, set.big)));
  return { hits: seq };
}

const columns = {
  cases: [
    'id',
    'subject',
    'status',
    'priority',
    'assignee',
    'decision',
    'opened_at',
    'updated_at',
    'closed_at',
    'retain_until_ms',
    'source',
    'typology',
    'imminent',
  ],
  case_timeline: ['case_id', 'ref', 'kind', 'time', 'summary', 'detail_json'],
  entity_links: ['from_entity', 'to_entity', 'kind', 'first_seen', 'last_seen', 'count'],
  rule_hits: ['event_id', 'rule_id', 'event_seq', 'mode', 'subject', 'reason', 'effects_json', 'time'],
} as const;

/** Seeds the SQLite file: multi-row inserts of 100 rows, one transaction. */
async function seedSqlite(file: string, set: DataSet): Promise<number> {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const statements = new Map<string, BetterSqlite3.Statement>();
    const statement = (table: keyof typeof columns, rows: number) => {
      const key = `${table}:${rows}`;
      let prepared = statements.get(key);
      if (prepared === undefined) {
        const names = columns[table];
        const tuple = `(${names.map(() => '?').join(', ')})`;
        prepared = db.prepare(
          `insert into ${table} (${names.join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')}`,
        );
        statements.set(key, prepared);
      }
      return prepared;
    };
    db.exec('begin');
    const { hits } = await seed(
      set,
      (table, rows) => {
        const names = columns[table];
        const values: unknown[] = [];
        for (const row of rows as Record<string, unknown>[])
          for (const name of names) {
            const value = row[name];
            values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
          }
        statement(table, rows.length).run(values);
      },
      100,
    );
    db.exec('commit');
    return hits;
  } finally {
    db.close();
  }
}

/** Seeds the PostgreSQL schema: `insert … select from unnest(…)` of 5,000 rows at a time, then `analyze`. */
async function seedPostgres(schema: string, set: DataSet): Promise<number> {
  const client = new Client({ connectionString: postgresConnectionString });
  await client.connect();
  const types: Record<keyof typeof columns, string[]> = {
    cases: ['int', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text', 'text', 'boolean'],
    case_timeline: ['int', 'text', 'text', 'text', 'text', 'text'],
    entity_links: ['text', 'text', 'text', 'text', 'text', 'bigint'],
    rule_hits: ['text', 'text', 'bigint', 'text', 'text', 'text', 'text', 'text'],
  };
  try {
    await client.query(`set search_path to ${escapeIdentifier(schema)}`);
    await client.query('begin');
    const { hits } = await seed(
      set,
      async (table, rows) => {
        const names = columns[table];
        const arrays = names.map((name) => (rows as Record<string, unknown>[]).map((row) => row[name]));
        const casts = types[table].map((type, index) => `$${index + 1}::${type}[]`).join(', ');
        await client.query(`insert into ${table} (${names.join(', ')}) select * from unnest(${casts})`, arrays);
      },
      5000,
    );
    // Ids were given explicitly: move the identity on, as an import would.
    await client.query(`select setval(pg_get_serial_sequence('cases', 'id'), (select max(id) from cases))`);
    await client.query('commit');
    // What autovacuum would do soon after a bulk load; without it the planner guesses the sizes.
    await client.query('analyze');
    return hits;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  runs: number;
}

function summarize(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    runs: sorted.length,
  };
}

const reviewer = { login: 'bench-reviewer', password: 'bench reviewer password 1' };

async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reviewer),
  });
  if (response.status !== 200) throw new Error(`signing in failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] as string)
    .find((pair) => pair.startsWith('prevail_session='));
  if (cookie === undefined) throw new Error('signing in set no session cookie');
  return cookie;
}

/** `requests` sequential GETs of `path` after `warmup` ones; ms per request. */
async function timeRoute(
  url: string,
  path: string,
  cookie: string,
  check: (body: unknown) => void,
  counts: { warmup: number; requests: number },
): Promise<Latency> {
  const samples: number[] = [];
  for (let i = 0; i < counts.warmup + counts.requests; i++) {
    const started = performance.now();
    const response = await fetch(`${url}${path}`, { headers: { cookie } });
    const body = await response.text();
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${body.slice(0, 300)}`);
    if (i === 0) check(JSON.parse(body));
    if (i >= counts.warmup) samples.push(elapsed);
  }
  return summarize(samples);
}

interface BackendResult {
  backend: Backend;
  location: string;
  seedSeconds: number;
  api: Record<string, Latency>;
  render: Record<string, Latency>;
}

async function measure(
  server: RunningServer,
  set: DataSet,
  counts: { warmup: number; requests: number; renders: number },
): Promise<Pick<BackendResult, 'api' | 'render'>> {
  const { people } = server.services;
  await people.create(
    { login: reviewer.login, password: reviewer.password, roles: ['child_safety_reviewer'] },
    { actor: 'system:bench' },
  );
  await people.setChildSafetyOptIn(reviewer.login, true, { actor: `person:${reviewer.login}`, reason: 'benchmark' });
  const cookie = await signIn(server.url);
  const api: Record<string, Latency> = {};
  api.queues = await timeRoute(
    server.url,
    '/console/api/queues',
    cookie,
    (body) => {
      const queues = (body as { queues: { name: string; depth: number }[] }).queues;
      console.log(`  queues: ${queues.map((queue) => `${queue.name} ${queue.depth}`).join(', ')}`);
    },
    counts,
  );
  for (const queue of ['child-safety', 'general']) {
    api[`${queue} page`] = await timeRoute(
      server.url,
      `/console/api/queues/${queue}/cases?limit=50`,
      cookie,
      (body) => {
        const cases = (body as { cases: unknown[] }).cases;
        if (cases.length !== 50) throw new Error(`${queue}: ${cases.length} cases on the page, expected 50`);
      },
      counts,
    );
  }
  api['case view'] = await timeRoute(
    server.url,
    `/console/api/cases/${set.big}`,
    cookie,
    (body) => {
      const view = body as { timeline: unknown[]; graph: { nodes: unknown[] }; rules: unknown[] };
      if (view.timeline.length !== bigTimeline)
        throw new Error(`the case view has ${view.timeline.length} timeline items, expected ${bigTimeline}`);
      console.log(
        `  case ${set.big}: ${view.timeline.length} timeline items, ${view.graph.nodes.length} graph nodes, ${view.rules.length} rules`,
      );
    },
    counts,
  );

  const browser = await launchChromium();
  const render: Record<string, Latency> = {};
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    // In the page: when (ms from navigation start) the queue table, and all of the case's timeline,
    // are first in the document; Playwright's wall time also waits for the main thread to be free.
    await page.addInitScript(`
      window.__benchReady = {};
      new MutationObserver(() => {
        const ready = window.__benchReady;
        if (ready.queue === undefined && document.querySelector('[data-testid="queue-cases"]'))
          ready.queue = performance.now();
        if (ready.case === undefined && document.querySelectorAll('[data-testid="timeline-item"]').length >= ${bigTimeline})
          ready.case = performance.now();
      }).observe(document, { subtree: true, childList: true });
    `);
    await page.goto(`${server.url}/console/login`);
    await page.getByTestId('login-name').fill(reviewer.login);
    await page.getByTestId('login-password').fill(reviewer.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((address) => !address.pathname.endsWith('/login'));
    const pages = [
      {
        name: 'queue page',
        mark: 'queue',
        path: '/console/queues/child-safety',
        ready: () => page.getByTestId('queue-cases').waitFor({ state: 'visible' }),
      },
      {
        name: 'case page',
        mark: 'case',
        path: `/console/cases/${set.big}`,
        ready: async () => {
          await page.getByTestId('timeline').waitFor({ state: 'visible' });
          await page
            .getByTestId('timeline-item')
            .nth(bigTimeline - 1)
            .waitFor({ state: 'attached' });
        },
      },
    ];
    for (const { name, mark, path, ready } of pages) {
      const samples: number[] = [];
      const inPage: number[] = [];
      // One warm-up load (the browser's cache of the console's script and stylesheet), then the runs.
      for (let run = 0; run <= counts.renders; run++) {
        await page.goto('about:blank');
        const started = performance.now();
        await page.goto(`${server.url}${path}`);
        await ready();
        const elapsed = performance.now() - started;
        const marked = await page.evaluate(`window.__benchReady && window.__benchReady[${JSON.stringify(mark)}]`);
        if (run > 0) {
          samples.push(elapsed);
          if (typeof marked === 'number') inPage.push(marked);
        }
      }
      render[name] = summarize(samples);
      render[`${name} in page`] = summarize(inPage);
    }
    await context.close();
  } finally {
    await browser.close();
  }
  return { api, render };
}

async function runBackend(
  backend: Backend,
  set: DataSet,
  counts: { warmup: number; requests: number; renders: number },
): Promise<BackendResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'prevail-bench-console-'));
  const schema = backend === 'postgres' ? `bench_console_${process.pid}_${Date.now()}` : undefined;
  const storage = backend === 'sqlite' ? { dataDir } : { dataDir, databaseUrl: postgresUrl, schema: schema as string };
  let server: RunningServer | undefined;
  try {
    const opened = await openStorage(storage);
    const location = opened.location;
    await opened.close();
    console.log(`\n${backend} (${location}): seeding ${set.cases} cases, ${set.timeline} timeline rows…`);
    const seedStarted = performance.now();
    let hits: number;
    if (backend === 'sqlite') {
      const target = resolveStorageTarget(storage);
      if (target.dialect !== 'sqlite') throw new Error('expected SQLite');
      hits = await seedSqlite(target.file, set);
    } else hits = await seedPostgres(schema as string, set);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
    console.log(`  seeded in ${seedSeconds} s (with ${hits} rule hits and the subject's links)`);
    server = await startServer({
      storage,
      host: '127.0.0.1',
      port: 0,
      hmaOpen: false,
      maxUploadBytes: 1024 * 1024,
      fetchPolicy: { maxBytes: 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: false },
      decode: { maxPixels: defaultMaxPixels },
      logger: createLogger({ level: 'warn' }),
    });
    const measured = await measure(server, set, counts);
    return { backend, location, seedSeconds, ...measured };
  } finally {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    if (schema !== undefined) {
      const client = new Client({ connectionString: postgresConnectionString });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${escapeIdentifier(schema)} cascade`);
      } finally {
        await client.end();
      }
    }
  }
}

export async function run(args: string[]): Promise<void> {
  const set: DataSet = {
    cases: option(args, '--cases', 100_000),
    timeline: option(args, '--timeline', 1_000_000),
    big: 0,
    now: Date.now(),
  };
  if (set.cases < 100) throw new Error('--cases must be at least 100');
  if (set.timeline < bigTimeline + set.cases - 1)
    throw new Error(`--timeline must be at least ${bigTimeline} + one row per other case`);
  // The measured case sits in the middle of the ids: neither the first nor the newest row.
  set.big = Math.floor(set.cases / 2);
  const counts = {
    warmup: 20,
    requests: option(args, '--requests', 200),
    renders: option(args, '--renders', 10),
  };
  const backends = backendsOption(args);
  // Benchmarks run from the repository root (`npm run bench`), where the console is built.
  if (!existsSync(join(process.cwd(), 'build', 'console', 'index.html')))
    throw new Error('the console is not built: run npm run build:console first');
  const skip = browserSkipReason();
  if (skip !== false) throw new Error(skip);

  const machine = describeMachine();
  console.log(
    `console: ${set.cases} cases, ${set.timeline} timeline rows (case ${set.big} has ${bigTimeline}); ${counts.requests} requests per route after ${counts.warmup} warm-ups, ${counts.renders} renders per page`,
  );
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.node}`);

  const results: BackendResult[] = [];
  for (const backend of backends) results.push(await runBackend(backend, set, counts));

  const header = ['measure', 'target', ...results.map((result) => result.backend), 'pass'];
  const rows: (string | number)[][] = [];
  const routes = Object.keys(results[0]?.api ?? {});
  let allPass = true;
  for (const route of routes) {
    const values = results.map((result) => result.api[route] as Latency);
    const pass = values.every((value) => value.p95 <= apiTargetMs);
    allPass &&= pass;
    rows.push([
      `API ${route} p50 / p95 / p99 ms`,
      `p95 ≤ ${apiTargetMs}`,
      ...values.map((value) => `${value.p50} / ${value.p95} / ${value.p99}`),
      pass ? 'yes' : 'NO',
    ]);
  }
  for (const name of Object.keys(results[0]?.render ?? {})) {
    const values = results.map((result) => result.render[name] as Latency);
    const pass = values.every((value) => value.p95 <= renderTargetMs);
    if (!name.endsWith(' in page')) allPass &&= pass;
    rows.push([
      `render ${name} median / p95 ms`,
      name.endsWith(' in page') ? '(info)' : `≤ ${renderTargetMs}`,
      ...values.map((value) => `${value.p50} / ${value.p95}`),
      name.endsWith(' in page') ? '' : pass ? 'yes' : 'NO',
    ]);
  }
  rows.push(['seeding s', '', ...results.map((result) => result.seedSeconds), '']);
  console.log('');
  printTable(header, rows);
  console.log(`\n${allPass ? 'all targets met' : 'a target was missed'}`);

  await finishBenchmark('console', {
    cases: set.cases,
    timelineRows: set.timeline,
    caseTimelineItems: bigTimeline,
    requestsPerRoute: counts.requests,
    rendersPerPage: counts.renders,
    targets: { apiP95Ms: apiTargetMs, renderMs: renderTargetMs },
    allPass,
    backends: results,
  });
}
