/**
 * What the chat evaluation reads and produces. Labels are read structurally (the line
 * `prevail simulate chats` writes, `ChatLabel` of `simulate/`), so any generator writing the
 * same fields can be evaluated.
 */

/** The fields of a conversation label the evaluation uses. */
export interface ChatEvalLabel {
  readonly conversation: string;
  readonly seed: number;
  /** `grooming`, `sextortion` or `benign`. */
  readonly class: string;
  readonly slice: string;
  readonly language: string;
  readonly users: readonly [string, string];
  readonly firstRiskyTurn: number | null;
}

/**
 * What counts as an alert: a typology alert (score ≥ the typology's alert threshold) or, when
 * `cases` is not false, a case opened, on the conversation's users, its dyad or itself. The small
 * adapter the evaluation is pointed at the chat pack with.
 */
export interface ChatAlertSource {
  /** Typology names whose scores count; undefined: every typology the engine runs. */
  readonly typologies?: readonly string[];
  /** Whether a case opened on a conversation's subjects counts as an alert (default true). */
  readonly cases?: boolean;
}

/** One conversation after a replay (or a baseline screen). */
export interface ConversationOutcome {
  readonly conversation: string;
  /**
   * The highest score reached, in units of the alert threshold (1 = alert; a case opened counts as
   * 1): the ranking score for precision at recall and recall at a false-positive rate.
   */
  readonly score: number;
  /** The message index (0-based) at which the first alert came; null when none did. */
  readonly alertTurn: number | null;
  readonly alertTimeMs: number | null;
  /** The time of each of the conversation's messages, in order (UTC ms). */
  readonly messageTimes: readonly number[];
}
