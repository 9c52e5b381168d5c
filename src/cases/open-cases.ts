import { higherPriority, prioritiesBelow } from './case-lifecycle.js';
import type { CasePriority, CaseUpdate, NewTimelineEntry } from './case-records.js';
import { caseTraits, sourcesBelow } from './case-traits.js';

type Entry = NewTimelineEntry;

/** Changes `OpenCases.changedSince` can still name (between this and twice this are kept). */
const keptChanges = 256;

/**
 * The subjects that have a case that is not closed: the engine's in-memory view of the store's
 * cases. It is loaded from the store when the engine opens, grows when the engine opens a case,
 * and is set again from the store for each subject whose case the cases service changed, so it
 * equals the store. Even when it lags (another process closed a case), what is stored does not
 * depend on it: a `CaseUpdate` that may not open a case is dropped by storage when the subject
 * has none.
 */
export class OpenCases {
  readonly #subjects: Set<string>;
  #version = 0;
  /**
   * The subjects of the latest changes, oldest first: `#changes[i]` changed the set from version
   * `#changesFrom + i` to the next; `null` stands for many at once (`clear`). Bounded: only the
   * latest are kept, and a reader further behind works its answer out afresh.
   */
  #changes: (string | null)[] = [];
  #changesFrom = 0;

  constructor(subjects: Iterable<string> = []) {
    this.#subjects = new Set(subjects);
  }

  /**
   * Changes whenever the set of subjects changes (and only then), so that a reader may keep what
   * it worked out from the set (`LinkGraph.openNeighbours`) until the next change.
   */
  get version(): number {
    return this.#version;
  }

  has(subject: string): boolean {
    return this.#subjects.has(subject);
  }

  /**
   * The subjects that were added or removed since `version` (a value `version` had), so that a
   * reader who worked something out from the set then can tell whether it still holds without
   * asking about every subject again; `undefined` when that is no longer known (too many
   * changes since, or a `clear`): work it out afresh.
   */
  changedSince(version: number): readonly string[] | undefined {
    if (version < this.#changesFrom || version > this.#version) return undefined;
    const changed = this.#changes.slice(version - this.#changesFrom);
    for (const subject of changed) if (subject === null) return undefined;
    return changed as string[];
  }

  /** Moves to the next version, noting which subject changed (`null`: many). */
  #changed(subject: string | null): void {
    this.#version++;
    this.#changes.push(subject);
    if (this.#changes.length > 2 * keptChanges) {
      this.#changes = this.#changes.slice(keptChanges);
      this.#changesFrom += keptChanges;
    }
  }

  get size(): number {
    return this.#subjects.size;
  }

  /** The subjects with a case that is not closed, in no particular order. */
  subjects(): string[] {
    return [...this.#subjects];
  }

  /** Forgets every subject (a replay starts with none and learns them again from its events). */
  clear(): void {
    if (this.#subjects.size > 0) this.#changed(null);
    this.#subjects.clear();
  }

  /** Records that the engine opened (or joined) a case for `subject`. */
  opened(subject: string): void {
    if (this.#subjects.has(subject)) return;
    this.#subjects.add(subject);
    this.#changed(subject);
  }

  /** Sets whether `subject` has a case that is not closed (as read from the store). */
  set(subject: string, open: boolean): void {
    if (open) this.opened(subject);
    else if (this.#subjects.delete(subject)) this.#changed(subject);
  }
}

interface Pending {
  open: boolean;
  priority: CasePriority;
  entries: Entry[];
}

/**
 * The one rule for what an event does to cases, collected while the engine processes one event:
 *
 * - `open` (a rule's `case` effect; a typology reaching its case threshold) joins the subject's
 *   case that is not closed, raising its priority, or opens a new case when there is none — in
 *   particular when the subject's last case is closed;
 * - `join` (any other activity: an event on the subject or a linked entity, a hit about it, a
 *   label on it) only adds to a case that is not closed, as the view stood before this event; it
 *   never opens one, so a closed case never comes back on the subject's next ordinary event.
 *
 * Replay gives the same result whatever the view held, because storage applies the same rule
 * against the stored cases.
 */
export class CaseChanges {
  readonly #view: OpenCases;
  readonly #pending = new Map<string, Pending>();

  constructor(view: OpenCases) {
    this.#view = view;
  }

  /** Opens or joins `subject`'s case at `priority` with these entries. */
  open(subject: string, priority: CasePriority, entries: readonly Entry[]): void {
    const pending = this.#pending.get(subject);
    if (pending === undefined) {
      this.#pending.set(subject, { open: true, priority, entries: [...entries] });
      return;
    }
    pending.priority = pending.open ? higherPriority(pending.priority, priority) : priority;
    pending.open = true;
    pending.entries.push(...entries);
  }

  /** Adds entries to `subject`'s case if it has one that is not closed; otherwise nothing. */
  join(subject: string, entries: readonly Entry[]): void {
    if (!this.#view.has(subject)) return;
    const pending = this.#pending.get(subject);
    if (pending === undefined) this.#pending.set(subject, { open: false, priority: 'low', entries: [...entries] });
    else pending.entries.push(...entries);
  }

  /** True when `subject` has a case not closed (as the view stood before this event). */
  hasCase(subject: string): boolean {
    return this.#view.has(subject);
  }

  /**
   * The updates to store, one per subject, each with the traits its entries show (`caseTraits`);
   * subjects whose case opens enter the view.
   */
  updates(time: string): CaseUpdate[] {
    const out: CaseUpdate[] = [];
    for (const [subject, pending] of this.#pending) {
      if (pending.open) this.#view.opened(subject);
      const entries = dedupeEntries(pending.entries);
      const traits = caseTraits(entries);
      out.push({
        subject,
        open: pending.open,
        priority: pending.priority,
        raiseFrom: pending.open ? prioritiesBelow(pending.priority) : [],
        time,
        entries,
        traits: { ...traits, sourceReplaces: sourcesBelow(traits.source) },
      });
    }
    return out;
  }
}

function dedupeEntries(entries: readonly Entry[]): Entry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    if (seen.has(entry.ref)) return false;
    seen.add(entry.ref);
    return true;
  });
}
