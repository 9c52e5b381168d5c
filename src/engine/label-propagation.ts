import type { LinkRecord } from '../events/index.js';
import type { PropagationStep } from '../packs/index.js';
import type { LabelRecord } from './engine-store.js';

/** At most this many entities are labelled per step, so one label cannot sweep the whole graph. */
const maxEntitiesPerStep = 1000;

/**
 * The labels a propagation adds: walks `steps` out from `origin` over the stored links (`links`
 * gives an entity's links, newest first), labelling each step's entities, never the origin.
 * Deterministic for a given store; bounded by `maxEntitiesPerStep` per step.
 */
export async function propagateLabel(
  origin: string,
  steps: readonly PropagationStep[],
  links: (entity: string) => Promise<readonly LinkRecord[]>,
  context: { readonly nowMs: number; readonly source: string; readonly reason: string },
): Promise<LabelRecord[]> {
  const added: LabelRecord[] = [];
  let frontier = [origin];
  for (const step of steps) {
    const next = new Set<string>();
    for (const entity of frontier) {
      for (const link of await links(entity)) {
        if (link.kind !== step.kind) continue;
        const neighbour =
          step.direction === 'out'
            ? link.from === entity
              ? link.to
              : undefined
            : link.to === entity
              ? link.from
              : undefined;
        if (neighbour === undefined || neighbour === origin) continue;
        next.add(neighbour);
        if (next.size >= maxEntitiesPerStep) break;
      }
      if (next.size >= maxEntitiesPerStep) break;
    }
    for (const entity of [...next].sort()) {
      added.push({
        entity,
        label: step.label,
        addedAt: new Date(context.nowMs).toISOString(),
        expiresAt: new Date(context.nowMs + step.expiresAfterMs).toISOString(),
        source: context.source,
        reason: context.reason,
      });
    }
    frontier = [...next];
  }
  return added;
}
