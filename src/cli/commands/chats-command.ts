import { Command, InvalidArgumentError } from 'commander';
import { builtinPacks } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import {
  type ChatEvalLabel,
  type ChatEvaluation,
  type ChatEventLine,
  type ChatFigures,
  type ChatFigureTable,
  defaultChatAlertSource,
  defaultTuneSeeds,
  evaluateChats,
} from '../../screening/index.js';
import type { CliIo } from '../io.js';
import { readJsonLines } from './payment-files.js';

/** Parses `1,2,3` into whole numbers ≥ 0 (at most 100 of them). */
export function parseSeedList(value: string): number[] {
  const seeds = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
  if (seeds.length > 100 || seeds.some((seed) => !Number.isSafeInteger(seed) || seed < 0)) {
    throw new InvalidArgumentError('expected a comma-separated list of at most 100 whole numbers ≥ 0');
  }
  return seeds;
}

const share = (value: number | null) => (value === null ? '—' : value.toFixed(3));
const number = (value: number | null) => (value === null ? '—' : String(value));

function row(name: string, figures: ChatFigures): string[] {
  return [
    name,
    `${figures.positives}/${figures.negatives}`,
    share(figures.recall),
    share(figures.falsePositiveRate),
    share(figures.precisionAtRecall90),
    share(figures.recallAtFpr1),
    `${number(figures.messagesToAlert.median)}/${number(figures.messagesToAlert.p90)}`,
    `${number(figures.minutesToAlert.median)}/${number(figures.minutesToAlert.p90)}`,
    share(figures.erde5),
    share(figures.erde50),
  ];
}

/** One figure table (overall, per language, per slice) as aligned text. */
function tableText(title: string, table: ChatFigureTable): string {
  const rows = [
    [
      'group',
      'pos/neg',
      'recall',
      'FPR',
      'P@R0.9',
      'R@1%FPR',
      'msgs→alert p50/p90',
      'min→alert p50/p90',
      'ERDE5',
      'ERDE50',
    ],
    row('all', table.overall),
    ...Object.entries(table.byLanguage).map(([language, figures]) => row(`language ${language}`, figures)),
    ...Object.entries(table.bySlice).map(([slice, figures]) => row(`slice ${slice}`, figures)),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((cells) => cells[column]?.length ?? 0))) ?? [];
  const lines = rows.map((cells) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return `${title}\n${lines.join('\n')}\n`;
}

function evaluationText(evaluation: ChatEvaluation): string {
  const typologies =
    evaluation.alertSource.typologies === 'all'
      ? 'every typology (no chat pack is loaded)'
      : evaluation.alertSource.typologies.join(', ');
  return [
    `${evaluation.conversations} conversations, ${evaluation.events} events; seeds ${evaluation.seeds.join(', ')}; tune seeds ${evaluation.tuneSeeds.join(', ')}: ${evaluation.heldOut ? 'held out (reportable)' : 'TUNING FIGURES (a seed of this file is a tune seed: do not report)'}`,
    `packs: ${evaluation.packs.map((pack) => `${pack.name} v${pack.version}`).join(', ') || 'none'}; an alert is a typology alert of ${typologies}${evaluation.alertSource.cases ? ', or a case opened,' : ''} on a conversation's users, dyad or conversation`,
    '',
    tableText('engine, messages as written:', evaluation.withText),
    tableText(
      `engine, text removed (metadata only; alerts of ${evaluation.metadataAlertSource.typologies === 'all' ? 'every typology' : evaluation.metadataAlertSource.typologies.join(', ')}):`,
      evaluation.metadataOnly,
    ),
    tableText('naive baseline (ten keywords), messages as written:', evaluation.baseline),
  ].join('\n');
}

/** `prevail chats evaluate`: the chat evaluation harness over a simulated (or any labelled) scenario. */
export function chatsCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const chats = new Command('chats').summary('evaluate the chat signals on a labelled conversation scenario');
  chats.addCommand(
    new Command('evaluate')
      .summary('replay conversations through the engine and score alerts per language and slice')
      .description(
        [
          'Replays the events of --events (as "prevail simulate chats" writes them: one engine event per line, in time order) message by message through a throwaway engine with every registered rule pack (every pack rule active), twice: as written, and with the text of every message removed (the metadata-only view of an end-to-end encrypted service). Beside them, a naive baseline: a conversation alerts at its first message holding one of ten keywords.',
          "An alert is a typology alert (score at the typology's alert threshold) or a case opened on a conversation's users, their dyad or the conversation. The typologies that count are those of the chat pack when one is registered, else every typology; --typologies names them instead.",
          'Prints, for all conversations, per language and per slice: positives/negatives, recall, conversation false-positive rate, precision at recall 0.9 and recall at a 1 % false-positive rate (over the highest score each conversation reached), messages and minutes from the first labelled risky move to the alert (median/p90), and ERDE_5 and ERDE_50 (delay counted in messages from the first risky move). --json prints one JSON object instead.',
          `Seeds policy: rules are tuned on --tune-seeds (default ${defaultTuneSeeds.join(',')}); a file generated with one of them gives tuning figures, flagged as such, never a report. See docs/chat.md, "Evaluation".`,
        ].join('\n\n'),
      )
      .requiredOption('--events <file>', 'the events (JSONL)')
      .requiredOption('--labels <file>', 'the conversation labels (JSONL)')
      .option('--tune-seeds <list>', 'seeds rules were tuned on', parseSeedList, [...defaultTuneSeeds])
      .option('--typologies <list>', 'the typologies whose alerts count (default: the chat pack’s)')
      .option(
        '--metadata-typologies <list>',
        'the typologies whose alerts count in the text-removed pass (default: as --typologies), e.g. the metadata-only typology',
      )
      .option('--no-cases', 'do not count cases opened as alerts')
      .option('--json', 'print one JSON object instead of tables')
      .action(
        async (options: {
          events: string;
          labels: string;
          tuneSeeds: number[];
          typologies?: string;
          metadataTypologies?: string;
          cases: boolean;
          json?: boolean;
        }) => {
          const labels = await readJsonLines<ChatEvalLabel>(options.labels);
          const events = await readJsonLines<ChatEventLine>(options.events);
          if (labels.length === 0) throw new EngineError('INPUT_EMPTY', `${options.labels} holds no label`);
          const packs = await Promise.all(builtinPacks.map((factory) => factory.create()));
          const typologies =
            options.typologies === undefined
              ? defaultChatAlertSource(packs).typologies
              : options.typologies.split(',').map((name) => name.trim());
          const metadataTypologies =
            options.metadataTypologies === undefined
              ? typologies
              : options.metadataTypologies.split(',').map((name) => name.trim());
          const known = new Set(packs.flatMap((pack) => pack.typologies.map((typology) => typology.name)));
          const unknown = [...(typologies ?? []), ...(metadataTypologies ?? [])].filter((name) => !known.has(name));
          if (unknown.length > 0) {
            throw new EngineError('REQUEST_INVALID', `unknown typology: ${[...new Set(unknown)].join(', ')}`);
          }
          const sourceOf = (names: readonly string[] | undefined) =>
            names === undefined ? { cases: options.cases } : { typologies: names, cases: options.cases };
          const evaluation = await evaluateChats(events, labels, {
            packs,
            source: sourceOf(typologies),
            metadataSource: sourceOf(metadataTypologies),
            tuneSeeds: options.tuneSeeds,
          });
          io.stdout.write(options.json === true ? `${JSON.stringify(evaluation)}\n` : evaluationText(evaluation));
          setExitCode(0);
        },
      ),
  );
  return chats;
}
