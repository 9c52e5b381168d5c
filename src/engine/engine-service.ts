import type { CaseAccess, CaseAudit } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import type { DisabledRule, RuleHitStats } from '../rules/index.js';
import type { EngineStore } from './engine-store.js';
import type { OpenedEngine } from './open-engine.js';
import { describeReload, type NodeRulesReload, type RulesReload } from './rules-reload.js';
import type { IngestResult } from './signals-engine.js';

/** Most events one `ingest` call takes (a larger batch is refused whole, `REQUEST_TOO_LARGE`). */
export const maxEventsPerIngest = 10_000;

/** What an ingestion did: how many events were accepted, already known or refused, and each result. */
export interface IngestSummary {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly results: IngestResult[];
}

/** A rule's hits with its precision: confirmed / (confirmed + dismissed), null before any decision. */
export interface RuleStats extends RuleHitStats {
  readonly precision: number | null;
}

/** A person adding or removing a label on an entity. */
export interface LabelChange {
  /** `type:id`. */
  readonly entity: string;
  readonly label: string;
  readonly action: 'add' | 'remove';
  /** ISO time the label lapses (adds only); absent: it stays until removed. */
  readonly expiresAt?: string;
}

/** A rule of the running rule set, as a reviewer reads it. */
export interface RuleDefinition {
  readonly id: string;
  readonly origin: 'operator' | 'builtin';
  readonly mode: 'active' | 'shadow';
  /** The rule's description: the policy text a reviewer is shown for a hit. */
  readonly description: string;
  readonly events: readonly string[];
}

/** A subject's score in one typology, with its thresholds and the reasons behind it. */
export interface SubjectTypology {
  readonly typology: string;
  readonly description: string;
  readonly score: number;
  readonly alertThreshold: number;
  readonly caseThreshold: number | null;
  /** One reason per contributing rule (its largest contribution), most points first. */
  readonly reasons: readonly string[];
}

/**
 * What `POST /v1/rules/reload` did: on this node, and, in bus mode, on every other node that
 * answered within the wait (`nodes`; absent without a bus).
 */
export type RulesReloadReport = RulesReload & { readonly nodes?: readonly NodeRulesReload[] };

/** Counts `results` by status (the answer of an ingestion, whichever door the events came in by). */
export function summariseIngest(results: IngestResult[]): IngestSummary {
  return {
    accepted: results.filter((result) => result.status === 'accepted').length,
    duplicates: results.filter((result) => result.status === 'duplicate').length,
    rejected: results.filter((result) => result.status === 'rejected').length,
    results,
  };
}

/** Precision of a rule against decided cases: null while none of its cases is decided. */
export function rulePrecision(stats: Pick<RuleHitStats, 'confirmed' | 'dismissed'>): number | null {
  const decided = stats.confirmed + stats.dismissed;
  return decided === 0 ? null : stats.confirmed / decided;
}

/**
 * The signals engine's operations for people and integrations (the HTTP routes call these and
 * only map HTTP to them): ingestion with its summary, an entity's labels and features, labels
 * set by a person (audited), rule statistics and rule reloads (audited). Case material goes
 * through the `CaseService`, not here.
 */
export class EngineService {
  readonly #opened: OpenedEngine;
  readonly #store: EngineStore;
  readonly #audit: CaseAudit;

  constructor(opened: OpenedEngine, store: EngineStore, audit: CaseAudit) {
    this.#opened = opened;
    this.#store = store;
    this.#audit = audit;
  }

  /**
   * Ingests one event (an object) or a batch (an array). A batch reports each event's result; a
   * single event that is refused fails the call.
   *
   * @throws EngineError `REQUEST_INVALID` when `input` is neither; `REQUEST_TOO_LARGE` beyond
   *   `maxEventsPerIngest` events; `EVENT_INVALID` (with every problem) for a refused single event.
   */
  async ingest(input: unknown, options: { readonly wait: boolean }): Promise<IngestSummary> {
    const events = Array.isArray(input) ? input : input !== null && typeof input === 'object' ? [input] : undefined;
    if (events === undefined) throw new EngineError('REQUEST_INVALID', 'send one event object or an array of events');
    if (events.length > maxEventsPerIngest) {
      throw new EngineError('REQUEST_TOO_LARGE', `at most ${maxEventsPerIngest} events per request`);
    }
    const results = await this.#opened.engine.ingest(events, { wait: options.wait });
    const [only] = results;
    if (!Array.isArray(input) && only?.status === 'rejected') {
      throw new EngineError(
        'EVENT_INVALID',
        only.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
      );
    }
    return summariseIngest(results);
  }

  /** The labels an entity (`type:id`) carries now and the values of its type's features. */
  entityFacts(entity: string, now: number = Date.now()): { labels: string[]; features: Record<string, number | null> } {
    const type = entity.slice(0, entity.indexOf(':'));
    const features: Record<string, number | null> = {};
    for (const spec of this.#opened.config.features) {
      if (spec.entityType === type) features[spec.name] = this.#opened.engine.features.value(spec.name, entity, now);
    }
    return { labels: this.#opened.engine.labelsOf(entity), features };
  }

  /**
   * Adds or removes a label on a person's say and audits it (`label.add` / `label.remove`, with
   * the reason); returns the entity's labels after the change.
   *
   * @throws EngineError `LABEL_UNKNOWN` for a label the policy does not declare.
   */
  async changeLabel(change: LabelChange, access: CaseAccess): Promise<string[]> {
    const { entity, label, action, expiresAt } = change;
    await this.#opened.engine.setLabel({
      entity,
      label,
      action,
      expiresAt: expiresAt ?? null,
      actor: access.actor,
      reason: access.reason,
    });
    await this.#audit.record({
      actor: access.actor,
      action: `label.${action}`,
      subject: entity,
      reason: access.reason,
      detail: { label, expiresAt },
    });
    return this.#opened.engine.labelsOf(entity);
  }

  /** The rules running now, in id order (operator and built-in, active and shadow). */
  ruleDefinitions(): RuleDefinition[] {
    return this.#opened.engine.ruleSet.rules.map((rule) => ({
      id: rule.id,
      origin: rule.origin,
      mode: rule.mode,
      description: rule.description,
      events: rule.events,
    }));
  }

  /** `subject`'s typology scores (as of its latest contribution), highest score first. */
  subjectTypologies(subject: string): SubjectTypology[] {
    return this.#opened.engine
      .typologiesOf(subject)
      .map(({ typology, score, contributions }) => {
        const best = new Map<string, { points: number; reason: string }>();
        for (const entry of contributions) {
          const known = best.get(entry.ruleId);
          if (known === undefined || entry.points >= known.points) best.set(entry.ruleId, entry);
        }
        return {
          typology: typology.name,
          description: typology.description,
          score,
          alertThreshold: typology.alertThreshold,
          caseThreshold: typology.caseThreshold,
          reasons: [...best.values()].sort((a, b) => b.points - a.points).map((entry) => entry.reason),
        };
      })
      .sort((a, b) => b.score - a.score);
  }

  /** Each rule's hits and precision, and the rules disabled for going over the cost budget. */
  async ruleStats(): Promise<{ rules: RuleStats[]; disabled: readonly DisabledRule[] }> {
    const rows = await this.#store.ruleHitStats();
    return {
      rules: rows.map((row) => ({ ...row, precision: rulePrecision(row) })),
      disabled: this.#opened.rules?.current.disabled ?? [],
    };
  }

  /**
   * Reloads the rules (a bad set keeps the old one running) and audits the attempt. In bus mode
   * every other node is asked at the same time to reload from its own policy directory; their
   * answers are in `nodes` and in the audit entry.
   *
   * @throws EngineError `CONFIG_INVALID` when the engine runs without a rules directory.
   */
  async reloadRules(actor: string): Promise<RulesReloadReport> {
    const rules = this.#opened.rules;
    if (rules === undefined) throw new EngineError('CONFIG_INVALID', 'this server runs without a rules directory');
    const [outcome, nodes] = await Promise.all([rules.reload(), this.#opened.bus?.reloadRulesElsewhere?.()]);
    const here = describeReload(outcome);
    await this.#audit.record({
      actor,
      action: 'rules.reload',
      subject: 'rules',
      reason: outcome.ok ? 'reloaded' : 'refused',
      detail: {
        ...(outcome.ok ? {} : { diagnostics: outcome.diagnostics }),
        ...(nodes === undefined ? {} : { nodes }),
      },
    });
    return nodes === undefined ? here : { ...here, nodes };
  }
}
