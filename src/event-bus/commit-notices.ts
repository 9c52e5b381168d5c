/**
 * Commit notices: how a worker tells the API node that waits for an event's verdict
 * (`?wait=verdict`) that it committed it. The API node publishes such an event with the header
 * `Prevail-Commit-Notice` naming its own subject (`prevail.commits.<nuid>`, one per process);
 * after the commit the worker publishes, in core NATS, the ids it committed (or found already
 * logged) to that subject, as a JSON array. A notice only wakes the API node: the verdict is read
 * from PostgreSQL (docs/scaling.md, "Verdicts over the bus"). Core NATS is at most once, and a
 * lost notice costs a wait until the API node's next read.
 */

/** The header of a published event whose verdict someone waits for: the subject to tell. */
export const commitNoticeHeader = 'Prevail-Commit-Notice';
/** Every API node's notice subject starts with this. */
export const commitNoticePrefix = 'prevail.commits';

/** A notice's body: the event ids it names. */
export function commitNotice(ids: readonly string[]): string {
  return JSON.stringify(ids);
}

/** The event ids a notice names; none when it is not a JSON array of strings. */
export function readCommitNotice(data: Uint8Array): string[] {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(data));
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
