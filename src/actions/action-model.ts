/**
 * The vocabulary of actions: what an operator declares in `<policy>/actions.yaml` and what the
 * engine asks for when a rule or a typology triggers one. Kinds, modes and statuses are storage
 * keys (recorded with every outbox row): never rename one.
 */

/** The kinds Prevail names; an operator may declare any other `custom:<name>` kind. */
export const builtinActionKinds = [
  'terminate_stream',
  'hold_payment',
  'restrict_account',
  'warn_user',
  'notify_reviewer',
] as const;

/** A named kind or `custom:<lowercase_name>`. */
export type ActionKind = (typeof builtinActionKinds)[number] | `custom:${string}`;

/**
 * `shadow`: the action is recorded in the outbox with status `shadow` and never sent, so an
 * operator sees what it would have done. `active`: it is delivered.
 */
export type ActionMode = 'shadow' | 'active';

/** Where an action is delivered: one HTTPS (or HTTP, for loopback receivers) webhook. */
export interface ActionEndpoint {
  readonly name: string;
  readonly url: string;
  /** The HMAC-SHA256 key, read from the environment variable the policy names (never from YAML). */
  readonly secret: string;
  /** Deadline of one request (ms). */
  readonly timeoutMs: number;
  /** Requests in flight at once to this endpoint. */
  readonly concurrency: number;
}

/**
 * One value of a payload template: text with `{{placeholders}}`, a nested mapping or a list of
 * them. The placeholders are a closed vocabulary (see `placeholderNames`): ids, names and reasons,
 * never an event's `data` and so never media.
 */
export type PayloadTemplate = string | readonly PayloadTemplate[] | { readonly [key: string]: PayloadTemplate };

/** One declared action. */
export interface ActionDeclaration {
  /** Lowercase words joined by underscores; the name rules and typologies use. */
  readonly name: string;
  readonly kind: ActionKind;
  readonly mode: ActionMode;
  /** Names of the endpoints it is delivered to (one outbox row each). */
  readonly endpoints: readonly string[];
  readonly payload: PayloadTemplate;
  /** Typologies whose alert (the score crossing the alert threshold) triggers this action. */
  readonly onTypologies: readonly string[];
}

/** Everything `actions.yaml` declares, checked. */
export interface ActionPolicy {
  readonly actions: ReadonlyMap<string, ActionDeclaration>;
  readonly endpoints: ReadonlyMap<string, ActionEndpoint>;
}

/** An empty policy: no action, no endpoint (a policy without `actions.yaml`). */
export const emptyActionPolicy: ActionPolicy = { actions: new Map(), endpoints: new Map() };

/** Action and endpoint names: lowercase words joined by single underscores, at most 64 characters. */
export const actionNamePattern = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
