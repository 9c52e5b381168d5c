/**
 * Links events make between entities (user↔device, payer↔payee, host↔viewer…), kept under
 * entity keys (`user:u1`). The events module owns the shapes; the engine derives them from
 * events and keeps its graph of them, cases show them, and `storage/` stores them.
 */

/** A link an event makes, to be counted. */
export interface LinkObservation {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly time: string;
}

/** A link events made between two entities, as stored: when first and last seen, and how often. */
export interface LinkRecord {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
}

/** A neighbour of an entity over the stored links, with the latest time any link between them was seen. */
export interface LinkNeighbour {
  readonly neighbour: string;
  readonly lastSeen: string;
}
