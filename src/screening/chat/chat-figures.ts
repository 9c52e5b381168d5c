import type { ChatEvalLabel, ConversationOutcome } from './chat-evaluation-types.js';
import { erde, precisionAtRecall, quantile, recallAtFalsePositiveRate } from './chat-metrics.js';

/** Median and 90th percentile of a latency; null when nothing was alerted. */
export interface Latency {
  readonly median: number | null;
  readonly p90: number | null;
}

/** The figures of one group of conversations (all, one language, one slice). */
export interface ChatFigures {
  readonly conversations: number;
  readonly positives: number;
  readonly negatives: number;
  readonly alertedPositives: number;
  readonly alertedNegatives: number;
  /** alertedPositives / positives; null without positives. */
  readonly recall: number | null;
  /** alertedNegatives / negatives: the conversation false-positive rate; null without negatives. */
  readonly falsePositiveRate: number | null;
  /** Best precision with recall ≥ 0.9 over the ranking score; null when 0.9 is out of reach. */
  readonly precisionAtRecall90: number | null;
  /** Best recall with a conversation false-positive rate ≤ 1 %. */
  readonly recallAtFpr1: number | null;
  /** Messages from the first labelled risky move to the alert (0: on that very message). */
  readonly messagesToAlert: Latency;
  /** Minutes from the first labelled risky move to the alert. */
  readonly minutesToAlert: Latency;
  /** Positives alerted before their first risky move (counted as delay 0 above). */
  readonly alertedBeforeRisk: number;
  readonly erde5: number | null;
  readonly erde50: number | null;
}

/** Figures for all conversations, per language and per slice. */
export interface ChatFigureTable {
  readonly overall: ChatFigures;
  readonly byLanguage: Readonly<Record<string, ChatFigures>>;
  readonly bySlice: Readonly<Record<string, ChatFigures>>;
}

interface Joined {
  readonly label: ChatEvalLabel;
  readonly outcome: ConversationOutcome;
  readonly positive: boolean;
}

function figures(items: readonly Joined[], falsePositiveCost: number): ChatFigures {
  const positives = items.filter((item) => item.positive);
  const negatives = items.filter((item) => !item.positive);
  const alertedPositives = positives.filter((item) => item.outcome.alertTurn !== null);
  const alertedNegatives = negatives.filter((item) => item.outcome.alertTurn !== null).length;
  const messages: number[] = [];
  const minutes: number[] = [];
  let alertedBeforeRisk = 0;
  const decisions = items.map((item) => {
    const { alertTurn, alertTimeMs, messageTimes } = item.outcome;
    const risky = item.label.firstRiskyTurn ?? 0;
    let delay = 1;
    if (item.positive && alertTurn !== null && alertTimeMs !== null) {
      if (alertTurn < risky) alertedBeforeRisk++;
      const afterRisk = Math.max(0, alertTurn - risky);
      messages.push(afterRisk);
      const riskyMs = messageTimes[risky] ?? messageTimes[0] ?? alertTimeMs;
      minutes.push(Math.max(0, (alertTimeMs - riskyMs) / 60_000));
      delay = afterRisk + 1;
    }
    return { positive: item.positive, alerted: alertTurn !== null, delay };
  });
  const scored = items.map((item) => ({ score: item.outcome.score, positive: item.positive }));
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    conversations: items.length,
    positives: positives.length,
    negatives: negatives.length,
    alertedPositives: alertedPositives.length,
    alertedNegatives,
    recall: positives.length === 0 ? null : alertedPositives.length / positives.length,
    falsePositiveRate: negatives.length === 0 ? null : alertedNegatives / negatives.length,
    precisionAtRecall90: precisionAtRecall(scored, 0.9),
    recallAtFpr1: recallAtFalsePositiveRate(scored, 0.01),
    messagesToAlert: { median: quantile(messages, 0.5), p90: quantile(messages, 0.9) },
    minutesToAlert: { median: round(quantile(minutes, 0.5)), p90: round(quantile(minutes, 0.9)) },
    alertedBeforeRisk,
    erde5: erde(decisions, 5, falsePositiveCost),
    erde50: erde(decisions, 50, falsePositiveCost),
  };
}

/**
 * Scores outcomes against labels: every conversation not labelled `benign` is a positive. ERDE's
 * false-positive cost is the share of positives in the whole file (as eRisk does), the same for
 * every group. Outcomes without a label are ignored; labels without an outcome count as never alerted.
 */
export function chatFigureTable(
  labels: readonly ChatEvalLabel[],
  outcomes: readonly ConversationOutcome[],
): ChatFigureTable {
  const byConversation = new Map(outcomes.map((outcome) => [outcome.conversation, outcome]));
  const joined: Joined[] = labels.map((label) => ({
    label,
    positive: label.class !== 'benign',
    outcome: byConversation.get(label.conversation) ?? {
      conversation: label.conversation,
      score: 0,
      alertTurn: null,
      alertTimeMs: null,
      messageTimes: [],
    },
  }));
  const cost = joined.length === 0 ? 0 : joined.filter((item) => item.positive).length / joined.length;
  const group = (key: (label: ChatEvalLabel) => string) => {
    const groups = new Map<string, Joined[]>();
    for (const item of joined) {
      const name = key(item.label);
      const members = groups.get(name);
      if (members === undefined) groups.set(name, [item]);
      else members.push(item);
    }
    return Object.fromEntries([...groups.keys()].sort().map((name) => [name, figures(groups.get(name) ?? [], cost)]));
  };
  return {
    overall: figures(joined, cost),
    byLanguage: group((label) => label.language),
    bySlice: group((label) => label.slice),
  };
}
