import { CaseChanges, type CaseTimelineEntry, type CaseUpdate, type OpenCases } from '../cases/index.js';
import {
  type EngineEvent,
  type EventTypeRegistry,
  entityKey,
  type LinkObservation,
  type LoggedEvent,
} from '../events/index.js';
import type { FeatureSpec, FeatureStore } from '../features/index.js';
import type { RuleEffect, RuleHit, RuleHitRecord, RuleSet } from '../rules/index.js';
import type { TypologyContribution, TypologyScores } from '../typologies/index.js';
import type { LabelRecord } from './engine-store.js';
import { type LinkGraph, linksOf } from './entity-links.js';
import type { LabelCache } from './label-cache.js';
import { hitSummaries, strongerVerdict, type Verdict, type VerdictKind } from './verdict.js';

/** The writes processing a run of events produced, committed with the watermark. */
export interface PendingWrites {
  hits: RuleHitRecord[];
  labelsAdded: LabelRecord[];
  labelsRemoved: { entity: string; label: string }[];
  links: LinkObservation[];
  contributions: TypologyContribution[];
  cases: CaseUpdate[];
}

export function emptyWrites(): PendingWrites {
  return { hits: [], labelsAdded: [], labelsRemoved: [], links: [], contributions: [], cases: [] };
}

/** The in-memory state and policy one event is processed against. */
export interface ProcessorState {
  readonly registry: EventTypeRegistry;
  readonly features: FeatureStore;
  readonly featureSpecs: readonly FeatureSpec[];
  readonly rules: () => RuleSet;
  readonly typologies: TypologyScores;
  readonly labels: LabelCache;
  readonly links: LinkGraph;
  /** Subjects (entity keys) that have a case that is not closed (kept equal to the store). */
  readonly openCases: OpenCases;
}

/**
 * Processes one event: updates its features, runs the rules on it with its features and labels,
 * applies the active hits' effects in memory, and returns the verdict and the writes to commit.
 * Deterministic for a given state, which is what makes replay after a crash exact.
 */
export function processEvent(state: ProcessorState, logged: LoggedEvent, writes: PendingWrites): Verdict {
  const event: EngineEvent = logged;
  const keyOf = (role: string, id: string): string => entityKey(state.registry.entityType(event.type, role), id);
  state.features.apply(event);

  const features: Record<string, number | null> = {};
  for (const spec of state.featureSpecs) {
    const id = event.entities[spec.readRole];
    const readable =
      id !== undefined &&
      (spec.readRole === spec.entity || state.registry.entityType(event.type, spec.readRole) === spec.entityType);
    features[spec.name] = readable ? state.features.valueOfId(spec.name, id, event.timeMs) : null;
  }
  const labels: Record<string, string[]> = {};
  for (const [role, id] of Object.entries(event.entities))
    labels[role] = state.labels.labelsOf(keyOf(role, id), event.timeMs);

  const evaluation = state.rules().evaluate({ event, features, labels });
  let verdict: VerdictKind = 'allow';
  let score = 0;
  const reasons: string[] = [];
  // What this event does to cases: the cases module's rule (only a case effect opens a case).
  const cases = new CaseChanges(state.openCases);
  // Built only when a case needs it: most events touch no case.
  let eventEntryValue: Omit<CaseTimelineEntry, 'caseId'> | undefined;
  const eventEntry = (): Omit<CaseTimelineEntry, 'caseId'> => {
    eventEntryValue ??= {
      kind: event.type === 'media.matched' ? 'match' : 'event',
      ref: `event:${event.id}`,
      time: event.time,
      summary: `${event.type} ${Object.entries(event.entities)
        .map(([role, id]) => `${role}=${id}`)
        .join(' ')}`,
      detail: { id: event.id, type: event.type, entities: event.entities, data: event.data },
    };
    return eventEntryValue;
  };

  for (const hit of evaluation.hits) {
    const subject = hitSubject(hit, event, keyOf);
    writes.hits.push({
      eventId: event.id,
      eventSeq: logged.seq,
      ruleId: hit.ruleId,
      mode: hit.mode,
      subject,
      reason: hit.reason,
      effects: hit.effects,
      time: event.time,
    });
    if (hit.mode !== 'active') continue;
    const hitEntry: Omit<CaseTimelineEntry, 'caseId'> = {
      kind: 'rule_hit',
      ref: `hit:${event.id}:${hit.ruleId}`,
      time: event.time,
      summary: `${hit.ruleId}: ${hit.reason}`,
      detail: { ruleId: hit.ruleId, effects: hit.effects },
    };
    for (const effect of hit.effects) {
      switch (effect.kind) {
        case 'verdict':
          verdict = strongerVerdict(verdict, effect.verdict);
          reasons.push(`${hit.ruleId}: ${effect.reason}`);
          break;
        case 'label': {
          const id = event.entities[effect.entity];
          if (id === undefined) break;
          const entity = keyOf(effect.entity, id);
          if (effect.action === 'add') {
            const expiresAtMs = effect.expiresAfterMs === undefined ? null : event.timeMs + effect.expiresAfterMs;
            state.labels.add(entity, effect.label, expiresAtMs);
            writes.labelsAdded.push({
              entity,
              label: effect.label,
              addedAt: event.time,
              expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString(),
              source: `rule:${hit.ruleId}`,
              reason: hit.reason,
            });
          } else {
            state.labels.remove(entity, effect.label);
            writes.labelsRemoved.push({ entity, label: effect.label });
          }
          cases.join(entity, [
            {
              kind: 'label',
              ref: `label:${event.id}:${hit.ruleId}:${effect.label}`,
              time: event.time,
              summary: `${effect.action} label ${effect.label}`,
              detail: effect,
            },
          ]);
          break;
        }
        case 'typology': {
          const definition = state.typologies.definition(effect.typology);
          const role = effect.subject ?? definition?.subject;
          const id = definition === undefined || role === undefined ? undefined : event.entities[role];
          if (definition === undefined || role === undefined || id === undefined) break;
          const subjectKey = keyOf(role, id);
          const change = state.typologies.add(effect.typology, subjectKey, {
            ruleId: hit.ruleId,
            eventId: event.id,
            points: effect.points,
            reason: hit.reason,
            timeMs: event.timeMs,
          });
          if (change === undefined) break;
          const added = change.contributions.find((entry) => entry.eventId === event.id && entry.ruleId === hit.ruleId);
          writes.contributions.push({
            typology: effect.typology,
            subject: subjectKey,
            ruleId: hit.ruleId,
            eventId: event.id,
            points: added?.points ?? effect.points,
            reason: hit.reason,
            time: event.time,
          });
          score = Math.max(score, change.score);
          if (change.score >= definition.alertThreshold) {
            verdict = strongerVerdict(verdict, 'review');
            reasons.push(
              `typology ${effect.typology}: ${subjectKey} scores ${change.score} (alert at ${definition.alertThreshold})`,
            );
          }
          if (change.caseOpened) {
            cases.open(subjectKey, definition.casePriority, [
              eventEntry(),
              hitEntry,
              {
                kind: 'rule_hit',
                ref: `typology:${effect.typology}:${event.id}`,
                time: event.time,
                summary: `typology ${effect.typology} reached ${change.score} (case at ${definition.caseThreshold})`,
                detail: { contributions: change.contributions },
              },
            ]);
          }
          break;
        }
        case 'case': {
          const id = event.entities[effect.subject];
          if (id === undefined) break;
          cases.open(keyOf(effect.subject, id), effect.priority, [eventEntry(), hitEntry]);
          break;
        }
      }
    }
    // A hit about a subject with an open case joins that case.
    if (subject !== null && cases.hasCase(subject)) cases.join(subject, [eventEntry(), hitEntry]);
  }

  // Every event on an entity with an open case, or linked to one, joins its timeline.
  if (state.openCases.size > 0) {
    for (const [role, id] of Object.entries(event.entities)) {
      const entity = keyOf(role, id);
      if (cases.hasCase(entity)) cases.join(entity, [eventEntry()]);
      for (const neighbour of state.links.neighbours(entity)) {
        if (cases.hasCase(neighbour)) cases.join(neighbour, [eventEntry()]);
      }
    }
  }

  for (const link of linksOf(event, keyOf)) {
    state.links.add(link.from, link.to, event.time);
    writes.links.push({ ...link, time: event.time });
  }
  writes.cases.push(...cases.updates(event.time));
  return { eventId: event.id, verdict, score, reasons, hits: hitSummaries(evaluation.hits) };
}

/**
 * The entity a hit is about, for statistics and cases: its case effect's subject, else its
 * typology's subject role, else its first label effect's entity, else the event's `user`, else
 * its first entity.
 */
function hitSubject(hit: RuleHit, event: EngineEvent, keyOf: (role: string, id: string) => string): string | null {
  const roleOf = (effect: RuleEffect): string | undefined =>
    effect.kind === 'case' ? effect.subject : effect.kind === 'label' ? effect.entity : undefined;
  for (const effect of hit.effects) {
    const role = roleOf(effect);
    const id = role === undefined ? undefined : event.entities[role];
    if (role !== undefined && id !== undefined) return keyOf(role, id);
  }
  const user = event.entities.user;
  if (user !== undefined) return keyOf('user', user);
  const first = Object.entries(event.entities)[0];
  return first === undefined ? null : keyOf(first[0], first[1]);
}
