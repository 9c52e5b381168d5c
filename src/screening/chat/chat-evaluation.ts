import type { RulePack } from '../../packs/index.js';
import type { ChatAlertSource, ChatEvalLabel } from './chat-evaluation-types.js';
import { type ChatFigureTable, chatFigureTable } from './chat-figures.js';
import { type ChatEventLine, replayChats, withPackEngine } from './chat-replay.js';
import { keywordBaseline } from './keyword-baseline.js';

/** Seeds tuned on by default: figures on them are tuning figures, never a report. */
export const defaultTuneSeeds: readonly number[] = [1, 2, 3];

export interface ChatEvaluationOptions {
  /** The rule packs to run (the composition root's registered packs, built with default settings). */
  readonly packs: readonly RulePack[];
  /** What counts as an alert (default: `defaultChatAlertSource(packs)`). */
  readonly source?: ChatAlertSource;
  /** What counts as an alert in the text-removed pass (default: `source`), e.g. the metadata-only typology alone. */
  readonly metadataSource?: ChatAlertSource;
  /** Seeds that rules were tuned on (default 1, 2, 3). */
  readonly tuneSeeds?: readonly number[];
  /** Called every 1,000 events replayed, with the pass (`text`, `metadata`) and the count. */
  readonly onProgress?: (pass: 'text' | 'metadata', events: number) => void;
  readonly workDirectory?: string;
}

/** The evaluation of one scenario: the engine with text, without text, and the keyword baseline. */
export interface ChatEvaluation {
  readonly events: number;
  readonly conversations: number;
  /** The seeds the labels were generated with. */
  readonly seeds: readonly number[];
  readonly tuneSeeds: readonly number[];
  /** True when no seed of the file is a tune seed: the figures are reportable. */
  readonly heldOut: boolean;
  readonly packs: readonly { readonly name: string; readonly version: number }[];
  /** The typologies that counted (`all` when every typology did) and whether cases did. */
  readonly alertSource: { readonly typologies: readonly string[] | 'all'; readonly cases: boolean };
  /** The same for the text-removed pass. */
  readonly metadataAlertSource: { readonly typologies: readonly string[] | 'all'; readonly cases: boolean };
  /** The engine on the events as written. */
  readonly withText: ChatFigureTable;
  /** The engine on the same events with every message's text removed (metadata only). */
  readonly metadataOnly: ChatFigureTable;
  /** The naive ten-keyword screen on the events as written. */
  readonly baseline: ChatFigureTable;
}

/**
 * The alert source the evaluation uses unless told otherwise: the typologies of the packs whose
 * name starts with `chat` when one is loaded, else every typology; cases always count.
 */
export function defaultChatAlertSource(packs: readonly RulePack[]): ChatAlertSource {
  const chatPacks = packs.filter((pack) => pack.name.startsWith('chat'));
  if (chatPacks.length === 0) return { cases: true };
  return { typologies: chatPacks.flatMap((pack) => pack.typologies.map((typology) => typology.name)), cases: true };
}

/**
 * Evaluates `packs` on a chat scenario: replays the events message by message through a
 * throwaway engine twice (as written, then with the text removed), runs the keyword baseline,
 * and scores all three against the labels per language and per slice.
 */
export async function evaluateChats(
  events: readonly ChatEventLine[],
  labels: readonly ChatEvalLabel[],
  options: ChatEvaluationOptions,
): Promise<ChatEvaluation> {
  const source = options.source ?? defaultChatAlertSource(options.packs);
  const tuneSeeds = options.tuneSeeds ?? defaultTuneSeeds;
  const seeds = [...new Set(labels.map((label) => label.seed))].sort((a, b) => a - b);
  const metadataSource = options.metadataSource ?? source;
  const pass = (stripText: boolean) =>
    withPackEngine(
      options.packs,
      (engine, cases) =>
        replayChats(engine, cases, events, labels, stripText ? metadataSource : source, {
          stripText,
          onProgress: (count) => options.onProgress?.(stripText ? 'metadata' : 'text', count),
        }),
      options.workDirectory === undefined ? {} : { workDirectory: options.workDirectory },
    );
  const withText = await pass(false);
  const metadataOnly = await pass(true);
  return {
    events: events.length,
    conversations: labels.length,
    seeds,
    tuneSeeds,
    heldOut: seeds.every((seed) => !tuneSeeds.includes(seed)),
    packs: options.packs.map((pack) => ({ name: pack.name, version: pack.version })),
    alertSource: { typologies: source.typologies ?? 'all', cases: source.cases !== false },
    metadataAlertSource: { typologies: metadataSource.typologies ?? 'all', cases: metadataSource.cases !== false },
    withText: chatFigureTable(labels, withText),
    metadataOnly: chatFigureTable(labels, metadataOnly),
    baseline: chatFigureTable(labels, keywordBaseline(events, labels)),
  };
}
