import type { FastifyInstance, FastifyReply } from 'fastify';
import { EngineError } from '../../core/index.js';
import type { Match } from '../../matching/index.js';
import { signalTypeByName } from '../../signals/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { withHashingPlace } from '../hashing-place.js';
import { ingestMatchEvent } from '../match-event.js';
import { preserveMatchedUpload } from '../upload-evidence.js';
import { coinflip } from './coinflip.js';
import { compareSignals } from './compare-signals.js';
import { hmaRoute } from './hma-route.js';
import { matcherIndexStatus } from './index-status.js';
import { readJsonBody } from './json-body.js';
import { readLookupEntities } from './lookup-entities.js';
import { hashFromUpload, hashFromUrl } from './media-hashing.js';
import { readSingleUpload } from './multipart-upload.js';
import { parseBankFilter, parsePydanticBool, queryOf } from './query-params.js';
import { checkLookupSignal, type HmaBankMatches, lookupSignal, type SignalLookup } from './signal-lookup.js';
import { hmaDistance, signalByRequestName } from './signal-names.js';
import { boolParsing, missingField, sendValidationIssues, type ValidationIssue } from './validation-errors.js';

/**
 * The matcher role of HMA 1.1.7 (`/m`). `/m/lookup` is what Coop, policyserv and the fetlife gem
 * call: `{"<BANK>": [{"bank_content_id": <int>, "distance": "<string>"}]}` with only banks that
 * matched. Prevail's indexes follow bank changes as they are committed, so an added hash matches
 * on the very next lookup (HMA waits for its indexer, 60–120 s).
 */
export function registerMatchingRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { matcher, banks, config, hasher } = dependencies;

  // GET /m/raw_lookup?signal_type=&signal=[&banks=A,B][&include_distance=true]: index hits only,
  // ignoring enablement and ratios, as HMA. `{"matches": [ids]}` or with distances.
  hmaRoute(app, {
    method: 'GET',
    url: '/m/raw_lookup',
    scope: 'read',
    summary: 'Content ids whose signal is near a hash, index only (HMA GET /m/raw_lookup)',
    handler: async (request, reply) => {
      const query = queryOf(request);
      const issues: ValidationIssue[] = [];
      if (query.signal === undefined) issues.push(missingField('signal', query));
      if (query.signal_type === undefined) issues.push(missingField('signal_type', query));
      const includeDistance = query.include_distance === undefined ? false : parsePydanticBool(query.include_distance);
      if (includeDistance === undefined) issues.push(boolParsing('include_distance', query.include_distance));
      if (query.signal === undefined || query.signal_type === undefined || includeDistance === undefined) {
        return sendValidationIssues(reply, issues);
      }
      const checked = checkLookupSignal(matcher, query.signal_type, query.signal);
      const threshold = signalTypeByName(checked.signal.prevail).defaultThreshold;
      let hits = await matcher.rawLookup(checked.signal.prevail, checked.value, threshold);
      const bankFilter = parseBankFilter(query.banks);
      if (bankFilter !== undefined) {
        const bankNames = new Map((await banks.listBanks()).map((bank) => [bank.id, bank.name]));
        const contents = await banks.repository.getContents(hits.map((hit) => hit.owner));
        const kept = new Set(
          contents
            .filter((content) => bankFilter.includes(bankNames.get(content.bankId) ?? ''))
            .map((content) => content.id),
        );
        hits = hits.filter((hit) => kept.has(hit.owner));
      }
      return {
        matches: includeDistance
          ? hits.map((hit) => ({
              bank_content_id: hit.owner,
              distance: hmaDistance(checked.signal.prevail, hit.distance),
            }))
          : hits.map((hit) => hit.owner),
      };
    },
  });

  // GET /m/lookup?signal_type=&signal=[&banks=][&seed=] → flat {BANK: [...]}; or ?url=…
  // [&content_type][&types] → {"pdq": {BANK: [...]}} (the inner map when signal_type is also
  // given). GET ignores bypass_coinflip, as HMA 1.1.7 does (its model still parses it).
  // Prevail's `entities` (with a key) also sends the matches to the engine: see reportLookup.
  hmaRoute(app, {
    method: 'GET',
    url: '/m/lookup',
    scope: 'read',
    summary: 'Banks holding content that matches a hash or the media at a URL (HMA GET /m/lookup)',
    handler: async (request, reply) => {
      const query = queryOf(request);
      if (query.bypass_coinflip !== undefined && parsePydanticBool(query.bypass_coinflip) === undefined) {
        return sendValidationIssues(reply, [boolParsing('bypass_coinflip', query.bypass_coinflip)]);
      }
      const options = { banks: parseBankFilter(query.banks), coinflip: coinflip(query.seed) };
      const entities = await readLookupEntities(request, dependencies);
      if (query.url !== undefined && query.url !== '') {
        const url = query.url;
        const hashes = await withHashingPlace(hasher, (hash) =>
          hashFromUrl(
            { url, contentType: query.content_type, types: query.types ?? query.signal_type },
            { ...config, hash },
          ),
        );
        const lookups = await lookupEach(hashes, options);
        await reportLookup(reply, entities, Object.values(lookups));
        const perSignal = hmaAnswers(lookups);
        if (query.signal_type === undefined) return perSignal;
        return perSignal[signalByRequestName(query.signal_type)?.hma ?? query.signal_type] ?? {};
      }
      if (!query.signal || !query.signal_type) {
        return reply.code(400).send({ message: 'Either url or both signal and signal_type are required' });
      }
      const lookup = await lookupSignal(matcher, query.signal_type, query.signal, options);
      await reportLookup(reply, entities, [lookup]);
      return lookup.byBank;
    },
  });

  // POST /m/lookup, multipart (field name = content type) → {"pdq": {BANK: [...]}}. Query:
  // bypass_coinflip (exactly "true"), seed, banks, types; form fields are ignored, as HMA.
  // Prevail's `entities` query parameter as on GET.
  hmaRoute(app, {
    method: 'POST',
    url: '/m/lookup',
    scope: 'read',
    summary: 'Banks holding content that matches an uploaded file (HMA POST /m/lookup)',
    handler: async (request, reply) => {
      const query = queryOf(request);
      const entities = await readLookupEntities(request, dependencies);
      const { hashes, bytes } = await withHashingPlace(hasher, async (hash) => {
        const upload = await readSingleUpload(request);
        return {
          hashes: await hashFromUpload(upload, query.types, { decode: config.decode, hash }),
          bytes: upload.bytes,
        };
      });
      const lookups = await lookupEach(hashes, {
        banks: parseBankFilter(query.banks),
        coinflip: query.bypass_coinflip === 'true' ? undefined : coinflip(query.seed),
      });
      await reportLookup(reply, entities, Object.values(lookups), { bytes, actor: request.actor });
      return hmaAnswers(lookups);
    },
  });

  /** Looks up every hash of a hashing result; one coinflip for the whole request. */
  async function lookupEach(
    hashes: Readonly<Record<string, string>>,
    options: { readonly banks: readonly string[] | undefined; readonly coinflip: number | undefined },
  ): Promise<Record<string, SignalLookup>> {
    const result: Record<string, SignalLookup> = {};
    for (const [signalType, value] of Object.entries(hashes)) {
      result[signalType] = await lookupSignal(matcher, signalType, value, options);
    }
    return result;
  }

  /** HMA's answer per signal: `{"pdq": {BANK: [...]}}`. */
  function hmaAnswers(lookups: Readonly<Record<string, SignalLookup>>): Record<string, HmaBankMatches> {
    const result: Record<string, HmaBankMatches> = {};
    for (const [signalType, lookup] of Object.entries(lookups)) result[signalType] = lookup.byBank;
    return result;
  }

  /**
   * A lookup given `entities` (see `readLookupEntities`) feeds its actionable matches — each bank
   * item once, whichever signal found it — to the engine as one `media.matched` event (`source:
   * "hma"`), durable before the answer, without waiting for the rules; the answer's body stays
   * HMA's, and the event id is in the `x-prevail-event` header. An event the engine refuses
   * (entities that are not role → id) is a 400 `EVENT_INVALID`. With evidence preservation on,
   * an uploaded file that matched is kept in the vault first (with or without `entities`): its
   * id is in the `x-prevail-evidence` header and the event's `data.media.evidenceId`.
   */
  async function reportLookup(
    reply: FastifyReply,
    entities: Record<string, unknown> | undefined,
    lookups: readonly SignalLookup[],
    upload?: { readonly bytes: Uint8Array; readonly actor: string },
  ): Promise<void> {
    const seen = new Set<number>();
    const matches: Match[] = [];
    for (const match of lookups.flatMap((lookup) => lookup.matches)) {
      if (seen.has(match.contentId)) continue;
      seen.add(match.contentId);
      matches.push(match);
    }
    const kept =
      dependencies.evidence !== undefined && upload !== undefined && matches.length > 0
        ? await preserveMatchedUpload(dependencies.evidence, upload.bytes, {
            matches,
            entities,
            route: 'hma',
            actor: upload.actor,
          })
        : undefined;
    if (kept?.evidenceId !== undefined) reply.header('x-prevail-evidence', kept.evidenceId);
    if (entities === undefined) return;
    const signals = Object.fromEntries(lookups.map((lookup) => [lookup.signal.name, lookup.signal.value]));
    const result = await ingestMatchEvent(
      dependencies.engine,
      { entities, matches, signals, source: { kind: 'hma' }, ...(kept !== undefined ? { media: kept } : {}) },
      { wait: false },
    );
    if (result === undefined) return;
    if (result.status === 'rejected') {
      const problems = result.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
      throw new EngineError('EVENT_INVALID', `the media.matched event was refused: ${problems}`);
    }
    reply.header('x-prevail-event', result.id);
  }

  // POST /m/compare {"pdq": [h1, h2]} → {"pdq": [true, {"distance": 9}]} (HMA's debug UI).
  hmaRoute(app, {
    method: 'POST',
    url: '/m/compare',
    scope: 'read',
    summary: 'Compare pairs of hashes per signal type (HMA POST /m/compare)',
    body: 'json',
    handler: async (request, reply) => {
      const json = readJsonBody(request, reply);
      if (json === undefined) return reply;
      return compareSignals(json.body);
    },
  });

  // GET /m/index/status[?signal_type=] → {"pdq": {"built_to", "present", "size"}, …}.
  hmaRoute(app, {
    method: 'GET',
    url: '/m/index/status',
    scope: 'read',
    summary: 'Whether each signal index is loaded, and its size (HMA GET /m/index/status)',
    handler: async (request) => matcherIndexStatus(matcher, queryOf(request).signal_type),
  });
}
