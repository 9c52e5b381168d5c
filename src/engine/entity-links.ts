import type { EngineEvent } from '../events/index.js';

/** A link between two roles of an event: payer↔payee, host↔viewer, user↔device… */
interface LinkRule {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
}

/**
 * The links events make. Every event links its `user` to its `device`, `ip` and
 * `payment_account`; payments link payer to payee; a viewer joining links host to viewer; gifts
 * and messages link sender to recipient.
 */
const linkRules: readonly LinkRule[] = [
  { from: 'user', to: 'device', kind: 'uses_device' },
  { from: 'user', to: 'ip', kind: 'uses_ip' },
  { from: 'user', to: 'payment_account', kind: 'owns_account' },
  { from: 'payment_account', to: 'payee_account', kind: 'pays' },
  { from: 'host', to: 'user', kind: 'hosts_viewer' },
  { from: 'user', to: 'recipient', kind: 'contacts' },
  { from: 'user', to: 'stream', kind: 'in_stream' },
];

/** The (from, to, kind) links of one event, as entity keys. */
export function linksOf(
  event: EngineEvent,
  keyOf: (role: string, id: string) => string,
): { from: string; to: string; kind: string }[] {
  const links: { from: string; to: string; kind: string }[] = [];
  for (const rule of linkRules) {
    const from = event.entities[rule.from];
    const to = event.entities[rule.to];
    if (from !== undefined && to !== undefined)
      links.push({ from: keyOf(rule.from, from), to: keyOf(rule.to, to), kind: rule.kind });
  }
  return links;
}

/**
 * Who is linked to whom, in memory, one hop each way, so that an event on an entity can join the
 * open case of an entity linked to it. Each entity keeps at most `maxNeighbours` (the most
 * recent), bounding memory on hubs (a payee with thousands of payers).
 */
export class LinkGraph {
  readonly #neighbours = new Map<string, string[]>();
  readonly #maxNeighbours: number;

  constructor(maxNeighbours = 64) {
    this.#maxNeighbours = maxNeighbours;
  }

  add(from: string, to: string): void {
    this.#link(from, to);
    this.#link(to, from);
  }

  neighbours(entity: string): readonly string[] {
    return this.#neighbours.get(entity) ?? [];
  }

  #link(a: string, b: string): void {
    let list = this.#neighbours.get(a);
    if (list === undefined) {
      list = [];
      this.#neighbours.set(a, list);
    }
    const existing = list.indexOf(b);
    if (existing >= 0) list.splice(existing, 1);
    list.push(b);
    if (list.length > this.#maxNeighbours) list.shift();
  }
}
