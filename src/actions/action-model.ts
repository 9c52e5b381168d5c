import type { KeyObject } from 'node:crypto';

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

/** How a webhook is signed: HMAC-SHA256 with a shared secret (default) or Ed25519 with a private key. */
export type WebhookSigning =
  | { readonly scheme: 'hmac-sha256'; readonly secret: string }
  | { readonly scheme: 'ed25519'; readonly privateKey: KeyObject };

/** A webhook endpoint: one HTTPS (or HTTP, for loopback receivers) URL that receives signed POSTs. */
export interface WebhookEndpoint {
  readonly kind: 'webhook';
  readonly name: string;
  readonly url: string;
  /** The key, read from the environment variable the policy names (never from YAML). */
  readonly signing: WebhookSigning;
  /** Deadline of one request (ms). */
  readonly timeoutMs: number;
  /** Requests in flight at once to this endpoint. */
  readonly concurrency: number;
}

/**
 * A NATS JetStream endpoint: each action is published on `subject` (a template whose
 * placeholders are whole tokens: `{{kind}}`, `{{action}}`) in `stream`, with its idempotency
 * key as `Nats-Msg-Id`; the server is the one setting `PREVAIL_ACTIONS_NATS_URL` names.
 */
export interface NatsEndpoint {
  readonly kind: 'nats';
  readonly name: string;
  readonly servers: string;
  readonly subject: string;
  readonly stream: string;
  /** Deadline of one publish, until its PubAck (ms). */
  readonly timeoutMs: number;
  /** Publishes in flight at once to this endpoint. */
  readonly concurrency: number;
}

/**
 * A server-sent events endpoint: its rows are not pushed; platforms read them on
 * `GET /v1/actions/stream?endpoint=<name>`, resuming by the outbox id (`Last-Event-ID`).
 */
export interface SseEndpoint {
  readonly kind: 'sse';
  readonly name: string;
}

/** Where an action goes. */
export type ActionEndpoint = WebhookEndpoint | NatsEndpoint | SseEndpoint;

/** The endpoints the dispatcher pushes to (an SSE endpoint is read, not pushed). */
export type PushEndpoint = WebhookEndpoint | NatsEndpoint;

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
  /** Review decisions (`confirm`, `dismiss`, `escalate`, `close`) that trigger this action on the case's subject. */
  readonly onDecisions: readonly string[];
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
