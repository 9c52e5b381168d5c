import { EngineError } from '../core/index.js';
import type { EngineEvent, EventTypeRegistry, LoggedEvent } from '../events/index.js';
import { type EventDeriver, maxDerivedEvents, type RulePack } from '../packs/index.js';

type Checked = Omit<LoggedEvent, 'seq'>;

/** One pack's derivation that failed: the source still logs; this is dead-lettered under it. */
export interface DerivationFailure {
  readonly pack: string;
  readonly error: EngineError;
}

/** An ingested event after its packs' derivations: itself (maybe with added roles), then what they derived. */
export interface DerivedBatch {
  readonly source: Checked;
  readonly derived: readonly Checked[];
  readonly failures: readonly DerivationFailure[];
}

/** The packs that derive events, with their names, in load order. */
export function derivers(packs: readonly RulePack[]): { readonly pack: string; readonly derive: EventDeriver }[] {
  const found: { pack: string; derive: EventDeriver }[] = [];
  for (const pack of packs)
    if (pack.deriveEvents !== undefined) found.push({ pack: pack.name, derive: pack.deriveEvents });
  return found;
}

function failure(pack: string, source: EngineEvent, why: string, cause?: unknown): DerivationFailure {
  const message = `pack ${pack} could not derive events from ${source.id}: ${why}`;
  return {
    pack,
    error: new EngineError('EVENT_DERIVATION_FAILED', message.slice(0, 1500), cause === undefined ? {} : { cause }),
  };
}

/**
 * Runs every deriving pack on one validated event (see `EventDeriver`): each pack's derivation is
 * all or nothing (a throw, a foreign id, too many events or one its type refuses drops that
 * pack's whole derivation, recorded as a failure) and never stops the source from logging or the
 * other packs from deriving. Roles a pack adds are checked again with the source's type.
 */
export function deriveFrom(
  source: Checked,
  packs: readonly { readonly pack: string; readonly derive: EventDeriver }[],
  registry: EventTypeRegistry,
): DerivedBatch {
  let event = source;
  const derived: Checked[] = [];
  const failures: DerivationFailure[] = [];
  const prefix = `${source.id}#`;
  const context = { idFor: (suffix: string) => `${prefix}${suffix}` };
  for (const { pack, derive } of packs) {
    let result: ReturnType<EventDeriver>;
    try {
      result = derive(event, context);
    } catch (error) {
      failures.push(failure(pack, source, error instanceof Error ? error.message : String(error), error));
      continue;
    }
    if (result === undefined) continue;
    const outcome = checkDerivation(pack, event, result, registry, prefix);
    if ('failure' in outcome) {
      failures.push(outcome.failure);
      continue;
    }
    event = outcome.event;
    derived.push(...outcome.events);
  }
  return { source: event, derived, failures };
}

function checkDerivation(
  pack: string,
  source: Checked,
  result: NonNullable<ReturnType<EventDeriver>>,
  registry: EventTypeRegistry,
  prefix: string,
): { event: Checked; events: Checked[] } | { failure: DerivationFailure } {
  let event = source;
  const added = Object.entries(result.addEntities ?? {}).filter(([role]) => source.entities[role] === undefined);
  if (added.length > 0) {
    const addedRoles = Object.fromEntries(added);
    const problems = registry.roleProblems(addedRoles);
    if (problems.length > 0) return { failure: failure(pack, source, `added roles refused: ${describe(problems)}`) };
    event = { ...source, entities: { ...source.entities, ...addedRoles } };
  }
  const requested = result.events ?? [];
  if (requested.length > maxDerivedEvents)
    return { failure: failure(pack, source, `${requested.length} events, at most ${maxDerivedEvents}`) };
  const events: Checked[] = [];
  const ids = new Set<string>();
  for (const item of requested) {
    if (typeof item?.id !== 'string' || !item.id.startsWith(prefix) || item.id.length === prefix.length)
      return { failure: failure(pack, source, `derived id ${JSON.stringify(item?.id)} does not start with ${prefix}`) };
    if (ids.has(item.id)) return { failure: failure(pack, source, `derived id ${item.id} twice`) };
    ids.add(item.id);
    const check = registry.check(item);
    if (!check.ok) return { failure: failure(pack, source, `${item.id} refused: ${describe(check.problems)}`) };
    events.push(check.event);
  }
  return { event, events };
}

function describe(problems: readonly { readonly path: string; readonly message: string }[]): string {
  return problems
    .slice(0, 5)
    .map((problem) => `${problem.path}: ${problem.message}`)
    .join('; ');
}
