import type { ActionTrigger } from '../actions/index.js';
import type { CaseChanges, NewTimelineEntry } from '../cases/index.js';
import type { EngineEvent, LoggedEvent } from '../events/index.js';
import type { RuleEffect, RuleHit } from '../rules/index.js';
import type { PendingWrites, ProcessorState } from './event-processor.js';
import { strongerVerdict, type VerdictKind } from './verdict.js';

/** A case-timeline entry before it is filed under a case id. */
export type TimelineEntry = NewTimelineEntry;

/** What an event's active hits decide so far: the verdict, the highest typology score, why. */
export interface Outcome {
  verdict: VerdictKind;
  score: number;
  readonly reasons: string[];
}

/**
 * One event being processed: its state, its pending writes and case changes, and its own
 * timeline entry (built once, and only when a case needs it: most events touch no case).
 */
export interface EventContext {
  readonly state: ProcessorState;
  readonly logged: LoggedEvent;
  readonly event: EngineEvent;
  /** The entity key of `role`'s id in this event (its role's entity type, see the registry). */
  readonly keyOf: (role: string, id: string) => string;
  readonly writes: PendingWrites;
  readonly cases: CaseChanges;
  readonly outcome: Outcome;
  readonly eventEntry: () => TimelineEntry;
  /**
   * The entries of the event's active hits so far: an event that joins an open case (its own
   * entity's or a linked one's) brings them, so a case shows why a linked payment mattered.
   */
  readonly hitEntries: TimelineEntry[];
}

/**
 * Records a hit (every mode), and for an active hit applies its effects in order, then joins the
 * hit to its subject's open case. Shadow hits change nothing but the record.
 */
export function applyHit(context: EventContext, hit: RuleHit): void {
  const { event, logged, writes, cases } = context;
  const subject = hitSubject(hit, event, context.keyOf);
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
  if (hit.mode !== 'active') return;
  const hitEntry: TimelineEntry = {
    kind: 'rule_hit',
    ref: `hit:${event.id}:${hit.ruleId}`,
    time: event.time,
    summary: `${hit.ruleId}: ${hit.reason}`,
    detail: { ruleId: hit.ruleId, effects: hit.effects },
  };
  context.hitEntries.push(hitEntry);
  for (const effect of hit.effects) applyEffect(context, hit, hitEntry, effect, subject);
  // A hit about a subject with an open case joins that case.
  if (subject !== null && cases.hasCase(subject)) cases.join(subject, [context.eventEntry(), hitEntry]);
}

function applyEffect(
  context: EventContext,
  hit: RuleHit,
  hitEntry: TimelineEntry,
  effect: RuleEffect,
  subject: string | null,
): void {
  switch (effect.kind) {
    case 'verdict':
      applyVerdict(context.outcome, hit, effect);
      return;
    case 'label':
      applyLabel(context, hit, effect);
      return;
    case 'typology':
      applyTypology(context, hit, hitEntry, effect);
      return;
    case 'case':
      applyCase(context, hitEntry, effect);
      return;
    case 'action':
      planAction(context, {
        action: effect.action,
        ruleId: hit.ruleId,
        typology: null,
        subject,
        reasons: [hit.reason],
      });
      return;
  }
}

/**
 * Adds the outbox rows of one action to the event's writes (committed with the watermark). An
 * action the policy does not declare plans nothing: the rule checker refuses such names.
 */
function planAction(
  context: EventContext,
  cause: Pick<ActionTrigger, 'action' | 'ruleId' | 'typology' | 'subject' | 'reasons'>,
): void {
  const planner = context.state.actions;
  if (planner === undefined) return;
  const { event } = context;
  context.writes.actions.push(
    ...planner.plan({ ...cause, eventId: event.id, eventType: event.type, time: event.time, entities: event.entities }),
  );
}

type EffectOf<Kind extends RuleEffect['kind']> = Extract<RuleEffect, { kind: Kind }>;

/** A verdict effect: the stronger verdict wins, and its reason is kept. */
function applyVerdict(outcome: Outcome, hit: RuleHit, effect: EffectOf<'verdict'>): void {
  outcome.verdict = strongerVerdict(outcome.verdict, effect.verdict);
  outcome.reasons.push(`${hit.ruleId}: ${effect.reason}`);
}

/** A label effect: adds (with its lifetime) or removes the label, and joins the entity's open case. */
function applyLabel(context: EventContext, hit: RuleHit, effect: EffectOf<'label'>): void {
  const { event, state, writes } = context;
  const id = event.entities[effect.entity];
  if (id === undefined) return;
  const entity = context.keyOf(effect.entity, id);
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
  context.cases.join(entity, [
    {
      kind: 'label',
      ref: `label:${event.id}:${hit.ruleId}:${effect.label}`,
      time: event.time,
      summary: `${effect.action} label ${effect.label}`,
      detail: effect,
    },
  ]);
}

/**
 * A typology effect: adds the points to the subject's score; at the alert threshold the verdict
 * becomes at least `review`; when the score opens a case, the case opens with the event, the hit
 * and the contributions that reached it.
 */
function applyTypology(
  context: EventContext,
  hit: RuleHit,
  hitEntry: TimelineEntry,
  effect: EffectOf<'typology'>,
): void {
  const { event, state, writes, outcome } = context;
  const definition = state.typologies.definition(effect.typology);
  const role = effect.subject ?? definition?.subject;
  const id = definition === undefined || role === undefined ? undefined : event.entities[role];
  if (definition === undefined || role === undefined || id === undefined) return;
  const subjectKey = context.keyOf(role, id);
  const change = state.typologies.add(effect.typology, subjectKey, {
    ruleId: hit.ruleId,
    eventId: event.id,
    points: effect.points,
    reason: hit.reason,
    timeMs: event.timeMs,
  });
  if (change === undefined) return;
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
  outcome.score = Math.max(outcome.score, change.score);
  if (change.score >= definition.alertThreshold) alert(context, effect.typology, subjectKey, change, definition);
  if (change.caseOpened) {
    context.cases.open(subjectKey, definition.casePriority, [
      context.eventEntry(),
      hitEntry,
      {
        kind: 'rule_hit',
        ref: `typology:${effect.typology}:${event.id}`,
        time: event.time,
        summary: `typology ${effect.typology} reached ${change.score} (case at ${definition.caseThreshold})`,
        // `typology` names what raised the case (the cases module reads it into the case's traits).
        detail: { typology: effect.typology, contributions: change.contributions },
      },
    ]);
  }
}

/**
 * A score at or over its typology's alert threshold: the verdict becomes at least `review`, with
 * the score as its reason; when this contribution crossed the threshold, the actions declared
 * `on: [typology:<name>]` are planned.
 */
function alert(
  context: EventContext,
  typology: string,
  subjectKey: string,
  change: { readonly score: number; readonly alerted: boolean },
  definition: { readonly alertThreshold: number },
): void {
  const { outcome, state } = context;
  outcome.verdict = strongerVerdict(outcome.verdict, 'review');
  const reason = `typology ${typology}: ${subjectKey} scores ${change.score} (alert at ${definition.alertThreshold})`;
  outcome.reasons.push(reason);
  if (!change.alerted) return;
  for (const action of state.actions?.forTypology(typology) ?? [])
    planAction(context, { action, ruleId: null, typology, subject: subjectKey, reasons: [reason] });
}

/** A case effect: opens (or joins) the subject's case at the effect's priority. */
function applyCase(context: EventContext, hitEntry: TimelineEntry, effect: EffectOf<'case'>): void {
  const id = context.event.entities[effect.subject];
  if (id === undefined) return;
  context.cases.open(context.keyOf(effect.subject, id), effect.priority, [context.eventEntry(), hitEntry]);
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
