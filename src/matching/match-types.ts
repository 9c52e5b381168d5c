import type { ContentUpstream } from '../banks/index.js';
import type { DihedralName } from '../signals/index.js';

/** What to look up: signal values by type name, e.g. `{ pdq, md5, sha256 }`. */
export interface MatchQuery {
  readonly signals: Readonly<Record<string, string | undefined>>;
  /** PDQ quality of the query, when known: below 50 the PDQ value is not looked up. */
  readonly pdqQuality?: number;
  /** Other dihedral PDQ variants of the query image to look up as well (rotations, flips). */
  readonly pdqVariants?: Readonly<Partial<Record<DihedralName, string>>>;
}

export interface MatchOptions {
  /** Only these banks (by name); absent = every bank. */
  readonly banks?: readonly string[];
  /** Also return disabled content and ignore bank thresholds' enablement (HMA's raw lookup). */
  readonly includeDisabled?: boolean;
  /**
   * HMA's sampled rollout: a bank takes part when its enabled ratio ≥ this draw (0..1). Absent =
   * every bank takes part whatever its ratio.
   */
  readonly coinflip?: number;
  /** Count these matches for flood protection (default true; false for read-only debugging). */
  readonly countForFlood?: boolean;
  /**
   * vPDQ: the shares of the query video's and of the banked video's unique good frames that must
   * match, 0..100; default 80 and 80.
   */
  readonly videoThresholds?: { readonly queryMatchPercent?: number; readonly comparedMatchPercent?: number };
}

/** Where the matched bank item came from: what HMA's users ask to see with every match. */
export interface MatchProvenance {
  readonly source: string | null;
  readonly externalId: string | null;
  readonly category: string | null;
  readonly note: string | null;
  readonly contentUri: string | null;
  readonly addedAt: string;
  /** For an item an exchange fetched: the exchange, the upstream key and the upstream's fields. */
  readonly upstream?: ContentUpstream;
}

/** One bank item that matched the query. */
export interface Match {
  readonly bank: string;
  readonly bankId: number;
  readonly contentId: number;
  /**
   * The signal that matched: `pdq`, `md5`, `sha256`, `vpdq` (a video against a banked video),
   * `tmk_pdqf` (a video's TMK+PDQF against a banked video's: `distance` is 1 − the level-2 score,
   * and both values are the short `tmk_pdqf:<frames> frames`), or `vpdq_frame` (a PDQ hash, such
   * as a live-stream frame, against a frame of a banked video).
   */
  readonly signalType: string;
  readonly distance: number;
  /** The banked value that matched. */
  readonly matchedValue: string;
  /** The query value that matched it. */
  readonly queryValue: string;
  /** Which dihedral variant of the query matched (`original` unless variants were asked for). */
  readonly variant: DihedralName;
  /**
   * vPDQ only: share of the query video's unique good frames that matched this banked video.
   * `distance` is then `100 − min(queryMatchPercent, comparedMatchPercent)`, and `matchedValue` /
   * `queryValue` are the closest pair of frame hashes, not the whole signals.
   */
  readonly queryMatchPercent?: number;
  /** vPDQ only: share of the banked video's unique good frames that matched the query. */
  readonly comparedMatchPercent?: number;
  readonly provenance: MatchProvenance;
}

/** A positive match held back because the same query matched a negative bank. */
export interface SuppressedMatch extends Match {
  readonly suppressedBy: { readonly bank: string; readonly contentId: number };
}

/**
 * The result of one lookup. Only `matches` are actionable. `suppressed` were cancelled by a
 * negative bank; `quarantined` belong to items flood protection took out of action; `negative`
 * are the negative-bank hits themselves.
 */
export interface MatchOutcome {
  readonly matches: Match[];
  readonly suppressed: SuppressedMatch[];
  readonly quarantined: Match[];
  readonly negative: Match[];
  readonly warnings: string[];
}

/** Reported when flood protection quarantines an item. */
export interface FloodReport {
  readonly contentId: number;
  readonly bank: string;
  readonly matchesInWindow: number;
  readonly windowMs: number;
  readonly quarantinedAt: string;
}
