import type { LabelRecord } from './engine-store.js';

/**
 * The labels currently on entities, in memory, for rules to read on the per-event path. Expired
 * labels are ignored when read and dropped lazily. The store is the durable copy; this cache is
 * filled from it at start and kept in step by the engine.
 */
export class LabelCache {
  readonly #labels = new Map<string, Map<string, number>>();

  /** Fills the cache from stored labels. */
  load(records: readonly LabelRecord[]): void {
    for (const record of records)
      this.add(record.entity, record.label, record.expiresAt === null ? null : Date.parse(record.expiresAt));
  }

  /**
   * Replaces the labels of `entities` with `records` (those of the store, read for them): a label
   * another process set appears, one it removed goes. Records of other entities are ignored.
   */
  replace(entities: readonly string[], records: readonly LabelRecord[]): void {
    const wanted = new Set(entities);
    for (const entity of wanted) this.#labels.delete(entity);
    this.load(records.filter((record) => wanted.has(record.entity)));
  }

  /** Adds (or refreshes) a label; `expiresAtMs` null means no expiry. */
  add(entity: string, label: string, expiresAtMs: number | null): void {
    let labels = this.#labels.get(entity);
    if (labels === undefined) {
      labels = new Map();
      this.#labels.set(entity, labels);
    }
    labels.set(label, expiresAtMs ?? Number.POSITIVE_INFINITY);
  }

  remove(entity: string, label: string): void {
    this.#labels.get(entity)?.delete(label);
  }

  /** The names of the labels on `entity` at `atMs`, sorted. */
  labelsOf(entity: string, atMs: number): string[] {
    const labels = this.#labels.get(entity);
    if (labels === undefined) return [];
    const names: string[] = [];
    for (const [label, expiresAt] of labels) {
      if (expiresAt > atMs) names.push(label);
      else labels.delete(label);
    }
    if (labels.size === 0) this.#labels.delete(entity);
    return names.sort();
  }
}
