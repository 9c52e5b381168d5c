import { Environment } from '@marcbachmann/cel-js';
import type { EngineEvent } from '../events/index.js';
import type { CatalogIndex } from './catalogs.js';
import { EvaluationMeter, type MeteredResult } from './evaluation-meter.js';
import { isFeatureRecord } from './feature-record.js';
import { contextMatches, type RuleContext } from './rule-context.js';
import type { RuleLimits } from './rule-limits.js';

type FieldType = 'int' | 'double' | 'string';

/**
 * Converts one declared field value to its CEL representation: `int` → BigInt (the value must be
 * a safe integer), `double` → number, `string` → string. Throws a plain Error naming the field
 * otherwise; the rule set records it as that rule's run-time error.
 */
function convertField(owner: string, name: string, type: FieldType, value: unknown): unknown {
  switch (type) {
    case 'int':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      throw new Error(`${owner} '${name}' is declared int but its value is ${String(value)}`);
    case 'double':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      throw new Error(`${owner} '${name}' is declared double but its value is ${String(value)}`);
    case 'string':
      if (typeof value === 'string') return value;
      throw new Error(`${owner} '${name}' is declared string but its value is ${String(value)}`);
  }
}

/**
 * A class for a CEL message type whose fields are read lazily from a plain record and converted
 * on access, so a context with fifty features costs nothing for the ones no rule reads (and a
 * lazy record, see `featureRecordType`, computes only those read). It is a `Map` subclass because cel-js reads message fields of `Map` instances through `get`, which
 * keeps record keys from ever meeting prototype names such as `constructor`.
 */
function createRecordClass(owner: string, fields: ReadonlyMap<string, FieldType>) {
  return class TypedRecord extends Map<string, unknown> {
    readonly #raw: Readonly<Record<string, unknown>>;
    /** A lazy feature record: every field name may be read from it directly. */
    readonly #lazy: boolean;

    constructor(raw: Readonly<Record<string, unknown>>) {
      super();
      this.#raw = raw;
      this.#lazy = isFeatureRecord(raw);
    }

    override get(name: string): unknown {
      const type = fields.get(name);
      if (type === undefined || (!this.#lazy && !Object.hasOwn(this.#raw, name))) return undefined;
      const value = this.#raw[name];
      if (value === null || value === undefined) return undefined;
      return convertField(owner, name, type, value);
    }
  };
}

/** `event` in CEL: the EngineEvent with `time` as a timestamp and `timeMs` as an int. */
class EventView {
  readonly #event: EngineEvent;

  constructor(event: EngineEvent) {
    this.#event = event;
  }
  get id(): string {
    return this.#event.id;
  }
  get type(): string {
    return this.#event.type;
  }
  get time(): Date {
    return new Date(this.#event.timeMs);
  }
  get timeMs(): bigint {
    return BigInt(this.#event.timeMs);
  }
  get entities(): Readonly<Record<string, string>> {
    return this.#event.entities;
  }
  get data(): Readonly<Record<string, unknown>> {
    return this.#event.data;
  }
}

const matchFields = new Map<string, FieldType>([
  ['bank', 'string'],
  ['contentId', 'int'],
  ['signalType', 'string'],
  ['distance', 'int'],
]);

const MatchView = createRecordClass('match field', matchFields);

/** The CEL variables one rule context becomes; built once per event, shared by every rule. */
export type CelActivation = Readonly<Record<string, unknown>>;

/**
 * The CEL environment rules are checked and run in, built once per catalog version: it declares
 * `event`, `entities`, `features` (one typed field per catalog feature, so an unknown name or a
 * type mismatch is a check-time error), `labels` and `matches`.
 */
export interface RuleEnvironment {
  readonly environment: Environment;
  readonly catalogs: CatalogIndex;
  /** The cost budget of every condition (`catalogs.limits`). */
  readonly limits: RuleLimits;
  /** The CEL variables for one context. Never throws: bad values fail when a rule reads them. */
  activation(context: RuleContext): CelActivation;
  /**
   * Runs one condition evaluation within the budget (`limits.maxCost` cost units and
   * `limits.maxEvaluationMs`): an evaluation over it is stopped and reported, never left to run.
   * Throws what the condition throws otherwise. `evaluate` is called with `activation`: a
   * compiled condition and its activation go in as they are, with no closure per evaluation.
   */
  metered(evaluate: (activation: CelActivation) => unknown, activation: CelActivation): MeteredResult;
}

/**
 * Builds the rule environment for a catalog.
 *
 * Number conversion (the one rule, documented in docs/rules.md): numbers whose type is declared
 * — features (by the catalog), `matches[i].contentId` and `.distance`, `event.timeMs` — have that
 * type, and an `int` must hold an integral value; numbers inside `event.data`, whose type is not
 * declared, are always CEL doubles, whole or not, so a rule never changes meaning with the data.
 * CEL compares doubles and ints directly (`event.data.viewer_count <= 2` works); arithmetic needs
 * one type (`event.data.amount * 2.0`, or `int(event.data.amount) * 2`).
 */
export function createRuleEnvironment(catalogs: CatalogIndex): RuleEnvironment {
  const featureTypes = new Map<string, FieldType>();
  for (const [name, spec] of catalogs.features) featureTypes.set(name, spec.type);
  const FeatureValues = createRecordClass('feature', featureTypes);
  const featureFields = Object.fromEntries(featureTypes);

  const environment = new Environment()
    .registerType('Event', {
      ctor: EventView,
      fields: {
        id: 'string',
        type: 'string',
        time: 'google.protobuf.Timestamp',
        timeMs: 'int',
        entities: 'map<string, string>',
        data: 'map<string, dyn>',
      },
    })
    .registerType('Features', { ctor: FeatureValues, fields: featureFields })
    .registerType('Match', { ctor: MatchView, fields: Object.fromEntries(matchFields) })
    .registerVariable('event', 'Event', { description: 'The event the rule runs on' })
    .registerVariable('entities', 'map<string, string>', { description: 'Entity role → entity id' })
    .registerVariable('features', 'Features', { description: 'Feature name → value (absent when unknown)' })
    .registerVariable('labels', 'map<string, list<string>>', { description: 'Entity role → its current labels' })
    .registerVariable('matches', 'list<Match>', { description: 'Media matches of a media.matched event' });

  const meter = new EvaluationMeter(environment);
  const { limits } = catalogs;
  const noLabels: Readonly<Record<string, readonly string[]>> = {};
  const noFeatures: Readonly<Record<string, number | null>> = {};

  return {
    environment,
    catalogs,
    limits,
    metered(evaluate: (activation: CelActivation) => unknown, activation: CelActivation): MeteredResult {
      return meter.run(limits, evaluate, activation);
    },
    activation(context: RuleContext): CelActivation {
      const matches = contextMatches(context).map(
        (match) => new MatchView(typeof match === 'object' && match !== null ? (match as Record<string, unknown>) : {}),
      );
      return {
        event: new EventView(context.event),
        entities: context.event.entities,
        features: new FeatureValues(context.features ?? noFeatures),
        labels: context.labels ?? noLabels,
        matches,
      };
    },
  };
}
