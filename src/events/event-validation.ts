import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { EngineError } from '../core/index.js';
import type { EngineEvent } from './engine-event.js';
import {
  defaultEventLimits,
  type EventLimits,
  eventLimitProblems,
  eventTimeProblem,
  stringProblem,
} from './event-limits.js';
import { builtinEventTypes, type EventTypeDefinition, type TimelineEventKind } from './event-types.js';
import { quickEnvelope } from './quick-checks.js';

/** Why an event was refused: the path of the bad field (`data.amount`) and what is wrong. */
export interface EventProblem {
  readonly path: string;
  readonly message: string;
}

export type EventCheck =
  | { readonly ok: true; readonly event: EngineEvent }
  | { readonly ok: false; readonly problems: EventProblem[] };

/**
 * An operator's own event type, declared in JSON: its `data` is checked against a JSON Schema
 * (draft-07 or 2020-12 keywords that Ajv supports).
 */
export interface OperatorEventType {
  readonly name: string;
  readonly description?: string;
  readonly requiredRoles?: readonly string[];
  readonly roleTypes?: Readonly<Record<string, string>>;
  readonly dataSchema: Record<string, unknown>;
}

const eventNamePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const entityIdPattern = /^[^\s:][^\s]{0,199}$/;
const rolePattern = /^[a-z][a-z0-9_]*$/;
const envelopePatterns = { type: eventNamePattern, role: rolePattern, entityId: entityIdPattern };

const envelope = z.object({
  id: z.string().min(1).max(200),
  type: z.string().regex(eventNamePattern, 'expected a dotted lowercase name such as "payment.sent"'),
  time: z
    .string()
    .refine((text) => !Number.isNaN(Date.parse(text)) && /T/.test(text), 'expected an ISO-8601 date-time'),
  entities: z.record(
    z.string().regex(rolePattern, 'entity roles are lowercase_with_underscores'),
    z.string().regex(entityIdPattern, 'entity ids are 1-200 characters without spaces, not starting with ":"'),
  ),
  data: z.record(z.string(), z.unknown()).default({}),
});

function zodProblems(error: z.ZodError, prefix: readonly (string | number)[] = []): EventProblem[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.') || '(event)',
    message: issue.message,
  }));
}

function ajvProblems(errors: readonly ErrorObject[] | null | undefined): EventProblem[] {
  return (errors ?? []).map((error) => {
    const pointer = error.instancePath.split('/').filter(Boolean);
    const missing =
      error.keyword === 'required' ? [String((error.params as { missingProperty?: string }).missingProperty)] : [];
    return { path: ['data', ...pointer, ...missing].join('.'), message: error.message ?? 'invalid' };
  });
}

/**
 * All event types the engine accepts: the built-in ones and the operator's. Validates incoming
 * events (limits first, see `EventLimits`, then the envelope and the type's schema) and knows
 * each role's entity type.
 */
export class EventTypeRegistry {
  readonly #builtin = new Map<string, EventTypeDefinition>();
  readonly #operator = new Map<string, { type: OperatorEventType; validate: ValidateFunction }>();
  /** The limits every event is checked against. */
  readonly limits: EventLimits;

  constructor(operatorTypes: readonly OperatorEventType[] = [], limits: EventLimits = defaultEventLimits) {
    this.limits = limits;
    for (const type of builtinEventTypes) this.#builtin.set(type.name, type);
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const type of operatorTypes) {
      if (!eventNamePattern.test(type.name))
        throw new EngineError('CONFIG_INVALID', `event type "${type.name}" is not a dotted lowercase name`);
      if (this.#builtin.has(type.name) || this.#operator.has(type.name)) {
        throw new EngineError('CONFIG_INVALID', `event type "${type.name}" is declared twice`);
      }
      let validate: ValidateFunction;
      try {
        validate = ajv.compile(type.dataSchema);
      } catch (error) {
        throw new EngineError(
          'CONFIG_INVALID',
          `event type "${type.name}": invalid JSON Schema: ${(error as Error).message}`,
        );
      }
      this.#operator.set(type.name, { type, validate });
    }
  }

  /** Every known type name, built-in first. */
  names(): string[] {
    return [...this.#builtin.keys(), ...this.#operator.keys()];
  }

  has(name: string): boolean {
    return this.#builtin.has(name) || this.#operator.has(name);
  }

  /** The entity type of `role` in events of `eventType` (the role's own name unless declared). */
  entityType(eventType: string, role: string): string {
    return (
      this.#builtin.get(eventType)?.roleTypes[role] ?? this.#operator.get(eventType)?.type.roleTypes?.[role] ?? role
    );
  }

  /**
   * The kind of case-timeline entry an event of `eventType` makes: what its type declares
   * (`media.matched`: `match`), else `event` (every operator type, every unknown name).
   */
  timelineKind(eventType: string): TimelineEventKind {
    return this.#builtin.get(eventType)?.timelineKind ?? 'event';
  }

  /**
   * The problems of entity roles added to an event `check` already accepted (a pack's deriver
   * adds the pair of users as `dyad`): each role and id as the envelope requires, within the
   * limits. Cheaper than checking the whole event again, whose data did not change.
   */
  roleProblems(entities: Readonly<Record<string, string>>): EventProblem[] {
    const problems: EventProblem[] = [];
    for (const [role, id] of Object.entries(entities)) {
      if (!rolePattern.test(role))
        problems.push({ path: `entities.${role}`, message: 'entity roles are lowercase_with_underscores' });
      const limit = typeof id === 'string' ? stringProblem(id, this.limits) : 'expected a string';
      if (limit !== undefined) problems.push({ path: `entities.${role}`, message: limit });
      else if (!entityIdPattern.test(id))
        problems.push({
          path: `entities.${role}`,
          message: 'entity ids are 1-200 characters without spaces, not starting with ":"',
        });
    }
    return problems;
  }

  /**
   * Validates an incoming event; on failure lists every bad field by its path. Limits (size,
   * depth, string length, NUL and unpaired surrogates anywhere) are checked first, so that the
   * schema checks never walk a hostile input; then the envelope, the time range and the data.
   */
  check(input: unknown): EventCheck {
    const limitProblems = eventLimitProblems(input, this.limits);
    if (limitProblems.length > 0) return { ok: false, problems: limitProblems };
    const quick = this.#quickCheck(input);
    if (quick !== undefined) return quick;
    const parsed = envelope.safeParse(input);
    if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
    const raw = parsed.data;
    const timeProblem = eventTimeProblem(Date.parse(raw.time), this.limits);
    if (timeProblem !== undefined) return { ok: false, problems: [timeProblem] };
    const builtin = this.#builtin.get(raw.type);
    const operator = this.#operator.get(raw.type);
    if (builtin === undefined && operator === undefined) {
      return { ok: false, problems: [{ path: 'type', message: `unknown event type "${raw.type}"` }] };
    }
    const requiredRoles = builtin?.requiredRoles ?? operator?.type.requiredRoles ?? [];
    const problems: EventProblem[] = requiredRoles
      .filter((role) => raw.entities[role] === undefined)
      .map((role) => ({ path: `entities.${role}`, message: `required for ${raw.type}` }));
    let data: Record<string, unknown> = raw.data;
    if (builtin !== undefined) {
      const checked = builtin.data.safeParse(raw.data);
      if (checked.success) data = checked.data;
      else problems.push(...zodProblems(checked.error, ['data']));
    } else if (operator !== undefined && !operator.validate(raw.data)) {
      problems.push(...ajvProblems(operator.validate.errors));
    }
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      event: { id: raw.id, type: raw.type, time: raw.time, timeMs: Date.parse(raw.time), entities: raw.entities, data },
    };
  }

  /**
   * `check`'s answer for a plainly valid event of a built-in type with a quick data check (see
   * `quick-checks.ts`), the same as the schemas give; `undefined` for anything else, which the
   * schemas then check (and word the problems of).
   */
  #quickCheck(input: unknown): EventCheck | undefined {
    const raw = quickEnvelope(input, envelopePatterns);
    if (raw === undefined) return undefined;
    const builtin = this.#builtin.get(raw.type);
    const data = builtin?.quickData?.(raw.data);
    if (builtin === undefined || data === undefined) return undefined;
    const timeMs = Date.parse(raw.time);
    if (eventTimeProblem(timeMs, this.limits) !== undefined) return undefined;
    for (const role of builtin.requiredRoles) if (raw.entities[role] === undefined) return undefined;
    return { ok: true, event: { id: raw.id, type: raw.type, time: raw.time, timeMs, entities: raw.entities, data } };
  }
}
