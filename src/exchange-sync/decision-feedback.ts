import type { BankService } from '../banks/index.js';
import type { ExchangeFeedback, ExchangeKindRegistry } from '../exchanges/index.js';
import type { Logger } from '../logging/index.js';
import type {
  DecisionEntry,
  ExchangeDefinition,
  ExchangeRepository,
  FeedbackRecord,
  NewFeedbackRequest,
} from './exchange-records.js';

/** One bank match on a case's timeline (a `media.matched` event's `data.matches` item). */
export interface CaseMatch {
  readonly bank: string;
  readonly contentId: number;
  readonly signalType: string;
}

/**
 * A case's bank matches, or undefined when no case has that id. The composition root reads them
 * from the case's timeline; `exchange-sync` knows no case.
 */
export type CaseMatches = (caseId: number) => Promise<readonly CaseMatch[] | undefined>;

/** Most matches of one case that give feedback requests (or show in its feedback status). */
export const maxFeedbackMatches = 100;
/** Most stored requests of one case read (for its status, and to send no verdict twice). */
export const maxCaseRequests = 1000;

/**
 * How far before its cursor the job reads decision entries again: an entry is stored with the
 * time its server took before committing, so one committed late (a slow transaction, a server
 * whose clock lags) can have a time before entries read already. Within this window it is still
 * read, and read once (the read marks).
 */
export const decisionLookbackMs = 3_600_000;
/** Decision entries per read, and reads per tick (a tick reads at most their product). */
const decisionsPerRead = 100;
const readsPerTick = 10;

/** What the reader needs: the store, the banks (the items' provenance), the kinds, the cases' matches. */
export interface DecisionFeedbackDeps {
  readonly repository: ExchangeRepository;
  readonly banks: BankService;
  readonly kinds: ExchangeKindRegistry;
  readonly caseMatches: CaseMatches | undefined;
  readonly clock: () => number;
  readonly logger?: Logger | undefined;
}

/** The key that makes a decision's request about one item of one exchange unique. */
function decisionOnceKey(entry: DecisionEntry, exchangeId: number, key: string, signalType: string): string {
  return JSON.stringify(['decision', entry.caseId, entry.ref, exchangeId, key, signalType]);
}

/**
 * The feedback requests of one decision: each match whose bank is an exchange's bank, whose kind
 * takes feedback and whose item still carries that exchange's provenance gives one (exchange,
 * upstream key, signal type); matches of other banks are ignored, at most
 * {@link maxFeedbackMatches} count. An item whose newest request of the case already carries the
 * verdict (queued or sent, e.g. a reviewer's explicit one) gives none.
 */
async function decisionRequests(
  deps: DecisionFeedbackDeps,
  entry: DecisionEntry,
  verdict: ExchangeFeedback['verdict'],
  matches: readonly CaseMatch[],
): Promise<NewFeedbackRequest[]> {
  const requests: NewFeedbackRequest[] = [];
  const seen = new Set<string>();
  const exchanges = new Map<string, ExchangeDefinition | undefined>();
  // The newest request of each (exchange, key, signal type) of the case: a reviewer may have given
  // this verdict on the item already (explicitly, before deciding); it is not sent twice.
  const newest = new Map<string, FeedbackRecord>();
  for (const record of await deps.repository.feedbackOfCase(entry.caseId, maxCaseRequests)) {
    newest.set(JSON.stringify([record.exchange, record.key, record.signalType]), record);
  }
  for (const match of matches.slice(0, maxFeedbackMatches)) {
    if (!exchanges.has(match.bank)) exchanges.set(match.bank, await deps.repository.getExchange(match.bank));
    const exchange = exchanges.get(match.bank);
    if (exchange === undefined || deps.kinds.find(exchange.kind)?.takesFeedback !== true) continue;
    const upstream = (await deps.banks.repository.getContent(match.contentId))?.upstream;
    if (upstream === undefined || upstream.exchange !== exchange.name) continue;
    const given = newest.get(JSON.stringify([exchange.name, upstream.key, match.signalType]));
    if (given !== undefined && given.verdict === verdict && given.status !== 'failed') continue;
    const onceKey = decisionOnceKey(entry, exchange.id, upstream.key, match.signalType);
    if (seen.has(onceKey)) continue;
    seen.add(onceKey);
    requests.push({
      exchangeId: exchange.id,
      key: upstream.key,
      signalType: match.signalType,
      verdict,
      caseId: entry.caseId,
      actor: entry.actor,
      onceKey,
      upstreamReason: null,
    });
  }
  return requests;
}

/**
 * Turns committed decisions into feedback requests (the first half of the `exchanges.feedback`
 * job). It reads the case timelines' decision entries the job has not read yet, from an hour
 * before its cursor ({@link decisionLookbackMs}), oldest first; a `confirmed` decision gives true
 * positives, `dismissed` false positives, for the case's matches against exchange banks (a
 * decision equal to the one before it gives none). Each entry's requests are stored in the
 * transaction that marks it read, under a key per (decision, exchange, item, signal type): a crash
 * anywhere leaves the entry unread or read with its requests, never half, and two servers reading
 * it store them once. The decision itself never waits for this. An entry that cannot be read now
 * (its case's matches unreadable) is logged and tried again next tick; the cursor stays before it.
 *
 * @returns how many decision entries were read and how many requests they stored.
 */
export async function readDecisions(deps: DecisionFeedbackDeps): Promise<{ decisions: number; queued: number }> {
  const outcome = { decisions: 0, queued: 0 };
  const cursor = await deps.repository.decisionCursor();
  const from = cursor === null ? '' : before(cursor, decisionLookbackMs);
  let newest: string | null = null;
  let stuckAt: string | null = null;
  for (let read = 0; read < readsPerTick; read++) {
    const entries = await deps.repository.unreadDecisions(from, decisionsPerRead);
    let failed = 0;
    for (const entry of entries) {
      const now = new Date(deps.clock()).toISOString();
      try {
        let requests: NewFeedbackRequest[] = [];
        if (entry.decision !== null && entry.decision !== entry.previousDecision) {
          const matches = (await deps.caseMatches?.(entry.caseId)) ?? [];
          const verdict = entry.decision === 'confirmed' ? 'true_positive' : 'false_positive';
          requests = await decisionRequests(deps, entry, verdict, matches);
        }
        outcome.queued += await deps.repository.markDecisionRead(entry, requests, now);
        outcome.decisions++;
        if (newest === null || entry.time > newest) newest = entry.time;
      } catch (error) {
        failed++;
        if (stuckAt === null || entry.time < stuckAt) stuckAt = entry.time;
        deps.logger?.error(
          { err: (error as Error).message, caseId: entry.caseId },
          'a decision could not be turned into exchange feedback; tried again next tick',
        );
      }
    }
    // Entries that failed stay unread and would come first again: read no further this tick.
    if (entries.length < decisionsPerRead || failed > 0) break;
  }
  if (newest !== null) {
    const nowIso = new Date(deps.clock()).toISOString();
    let to = newest > nowIso ? nowIso : newest;
    if (stuckAt !== null && stuckAt < to) to = stuckAt;
    if (cursor === null || to > cursor) {
      await deps.repository.moveDecisionCursor(to, before(to, 2 * decisionLookbackMs), nowIso);
    }
  }
  return outcome;
}

/** The ISO time `ms` before `time`; '' (before every time) when `time` is not a time. */
function before(time: string, ms: number): string {
  const at = Date.parse(time);
  return Number.isNaN(at) ? '' : new Date(Math.max(0, at - ms)).toISOString();
}
