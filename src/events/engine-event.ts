/**
 * An event: something that happened on the platform or at the payment provider, as the signals
 * engine consumes it. Every signal Prevail joins (a media match, a live session, a payment, a
 * chat message, a user report) arrives as one of these.
 *
 * `entities` names who and what the event is about, by role: `{ user: "u1", device: "d9",
 * ip: "203.0.113.7" }`. A role's entity type is the role itself unless the event type says
 * otherwise (a `payment.sent`'s `payee_account` is a `payment_account`); `entityKey` joins type
 * and id into the key features, labels, links and cases are kept under (`user:u1`).
 */
export interface EngineEvent {
  /** Unique id chosen by the sender; ingestion is idempotent by it. */
  readonly id: string;
  /** Event type, e.g. `payment.sent`; built-in types are listed in `event-types.ts`. */
  readonly type: string;
  /** When it happened (ISO-8601 with offset, as sent). */
  readonly time: string;
  /** `time` in Unix milliseconds, parsed once at ingestion. */
  readonly timeMs: number;
  /** Role → entity id. */
  readonly entities: Readonly<Record<string, string>>;
  /** The type's payload, validated against its schema. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** The key an entity is kept under: `type:id`, e.g. `user:u123`. */
export type EntityKey = `${string}:${string}`;

/** Joins an entity type and id into its key. */
export function entityKey(type: string, id: string): EntityKey {
  return `${type}:${id}`;
}

/** The type and id of an entity key (the inverse of `entityKey`): `user:u1` → `{type: 'user', id: 'u1'}`. */
export function splitEntityKey(key: string): { type: string; id: string } {
  const separator = key.indexOf(':');
  return { type: key.slice(0, separator), id: key.slice(separator + 1) };
}
