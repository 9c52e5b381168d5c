import { createHash } from 'node:crypto';
import type { ActionPolicy } from './action-model.js';
import type { ActionTrigger, NewOutboxAction } from './outbox-record.js';
import { renderPayload } from './payload-template.js';

/**
 * Turns what the engine decided (an `ActionTrigger`) into outbox rows. The engine holds one and
 * calls it while processing an event; the rows are committed with the event's batch.
 */
export interface ActionPlanner {
  /** Declared action names (what rule effects may name). */
  readonly names: readonly string[];
  /** The typologies some action listens to (the engine checks they exist). */
  readonly typologies: readonly string[];
  /** The actions a typology's alert triggers (declared with `on: [typology:<name>]`). */
  forTypology(typology: string): readonly string[];
  /** The actions a review decision triggers (declared with `on: [decision:<action>]`). */
  forDecision(decision: string): readonly string[];
  /** One row per endpoint of the trigger's action; none for an undeclared action. */
  plan(trigger: ActionTrigger): NewOutboxAction[];
}

/**
 * The idempotency key of one action: SHA-256 over the event id, what triggered it (rule or
 * typology) and the action name. Reprocessing the same event (a replay, a restart before the
 * watermark moved) gives the same key, and the outbox keeps one row per key and endpoint.
 */
export function actionIdempotencyKey(trigger: ActionTrigger): string {
  const cause =
    trigger.ruleId !== null
      ? `rule:${trigger.ruleId}`
      : trigger.decision !== undefined
        ? `decision:${trigger.decision}`
        : `typology:${trigger.typology ?? ''}`;
  return createHash('sha256').update(`${trigger.eventId}\u0000${cause}\u0000${trigger.action}`).digest('hex');
}

/** The planner over a checked policy. */
export function createActionPlanner(policy: ActionPolicy): ActionPlanner {
  const byTypology = new Map<string, string[]>();
  const byDecision = new Map<string, string[]>();
  for (const action of policy.actions.values()) {
    for (const typology of action.onTypologies)
      byTypology.set(typology, [...(byTypology.get(typology) ?? []), action.name]);
    for (const decision of action.onDecisions)
      byDecision.set(decision, [...(byDecision.get(decision) ?? []), action.name]);
  }
  return {
    names: [...policy.actions.keys()],
    typologies: [...byTypology.keys()],
    forTypology: (typology) => byTypology.get(typology) ?? [],
    forDecision: (decision) => byDecision.get(decision) ?? [],
    plan(trigger) {
      const declaration = policy.actions.get(trigger.action);
      if (declaration === undefined) return [];
      const idempotencyKey = actionIdempotencyKey(trigger);
      // Key order is fixed here, so the same trigger always gives the same bytes.
      const body = {
        id: idempotencyKey,
        action: declaration.name,
        kind: declaration.kind,
        mode: declaration.mode,
        created_at: trigger.time,
        event_id: trigger.eventId,
        rule: trigger.ruleId,
        typology: trigger.typology,
        ...(trigger.decision === undefined ? {} : { decision: trigger.decision }),
        subject: trigger.subject,
        reasons: trigger.reasons,
        payload: renderPayload(declaration.payload, {
          action: declaration.name,
          kind: declaration.kind,
          trigger,
        }),
      };
      const bodyJson = JSON.stringify(body);
      return declaration.endpoints.map((endpoint) => ({
        idempotencyKey,
        endpoint,
        action: declaration.name,
        kind: declaration.kind,
        mode: declaration.mode,
        status: rowStatus(declaration.mode, policy.endpoints.get(endpoint)?.kind),
        bodyJson,
        eventId: trigger.eventId,
        ruleId: trigger.ruleId,
        subject: trigger.subject,
        createdAt: trigger.time,
      }));
    },
  };
}

/**
 * The body sent for a row: its stored body with the case id the commit found, as `case_id`
 * right after `id`. The same row always gives the same bytes, so every retry signs the same body.
 */
export function deliveryBody(row: { readonly bodyJson: string; readonly caseId: number | null }): string {
  const { id, ...rest } = JSON.parse(row.bodyJson) as Record<string, unknown>;
  return JSON.stringify({ id, case_id: row.caseId, ...rest });
}

/** A shadow action is recorded, never sent; an active one is `pending` (pushed) or `stream` (read over SSE). */
function rowStatus(mode: 'shadow' | 'active', endpointKind: string | undefined): NewOutboxAction['status'] {
  if (mode === 'shadow') return 'shadow';
  return endpointKind === 'sse' ? 'stream' : 'pending';
}
