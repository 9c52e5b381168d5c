/**
 * `npm run bench -- chat [--conversations N] [--seed S] [--repeat R] [--before DIR [--detection-changed]]`
 * (default 2,000 conversations of `prevail simulate chats`, seed 7, 3 rounds): chat messages per
 * CPU-second on one core through every rule pack registered in `src/app/rule-packs.ts` (so
 * through normalisation, language identification, indicators, derived events, dyad features,
 * typologies and the engine's durable event log). Sides, in the same run, in turns, each run in a
 * fresh process (`bench/lib/chat-side.ts`: one pass to warm the JIT, then the measured pass, each
 * on fresh packs and a throwaway SQLite store: WAL, synchronous NORMAL, a snapshot every 100,000
 * events), `--repeat` times each; medians of CPU time
 * (`process.cpuUsage`, not wall clock, because the machine is shared) are compared:
 * - this code, the events with their text;
 * - before (with `--before DIR`): the same events on the code of another commit checked out in
 *   the worktree DIR and built there (`npx tsc -p tsconfig.bench.json`). Both must give the same
 *   alerts (number and SHA-256), or the benchmark fails, unless `--detection-changed` says the
 *   detection changed between them (each side is then only held to itself);
 * - baseline: this code, the very same events without their text, i.e. the engine alone on
 *   metadata.
 * The issue's target is 20,000 messages per second on one core, with text.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateChats } from '../src/simulate/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { option, sideOptions } from './lib/side-options.js';
import { buildRoots, commitOf, rates, runInTurns, sameOutcomes, sidesAgree } from './lib/side-runs.js';

const targetMessagesPerSecond = 20_000;

/** One run of one side (see `chat-side.ts`). */
interface SideRun {
  readonly packs: readonly string[];
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly alerts: number;
  readonly alertsSha256: string;
}

/** A run's alerts, to compare between runs. */
const alertsOf = (item: SideRun) => ({ count: item.alerts, sha256: item.alertsSha256 });

export async function run(args: string[]): Promise<void> {
  const conversations = option(args, '--conversations', 2000, 0);
  const seed = option(args, '--seed', 7, 0);
  const { beforeDirectory, repeat, detectionChanged } = sideOptions(args);
  const { events } = simulateChats({ seed, conversations });
  const withoutText = events.map((event) =>
    event.type === 'message.sent' && 'text' in event.data
      ? { ...event, data: Object.fromEntries(Object.entries(event.data).filter(([key]) => key !== 'text')) }
      : event,
  );
  const messages = events.filter((event) => event.type === 'message.sent').length;
  const withText = events.filter((event) => event.type === 'message.sent' && 'text' in event.data).length;
  const roots = buildRoots(beforeDirectory, 'screening');
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-chat-'));
  const textFile = join(directory, 'events.jsonl');
  const metadataFile = join(directory, 'events-without-text.jsonl');
  const rate = (item: SideRun) => Math.round(messages / item.cpuSeconds);
  let runs: { before: SideRun[]; product: SideRun[]; baseline: SideRun[] };
  try {
    await writeFile(textFile, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    await writeFile(metadataFile, `${withoutText.map((event) => JSON.stringify(event)).join('\n')}\n`);
    runs = await runInTurns<'before' | 'product' | 'baseline', SideRun>(
      'chat-side.js',
      repeat,
      {
        before: roots.before === undefined ? undefined : [roots.before, textFile],
        product: [roots.after, textFile],
        baseline: [roots.after, metadataFile],
      },
      (round, latest) =>
        console.log(
          `round ${round + 1}/${repeat}: with text ${rate(latest.product as SideRun)} msg/CPU-s${latest.before === undefined ? '' : `, before ${rate(latest.before)}`}, without text ${rate(latest.baseline as SideRun)}`,
        ),
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  const { before, product, baseline } = runs;
  sidesAgree(product, before, alertsOf, detectionChanged);
  sameOutcomes(baseline, baseline[0], alertsOf, "the baseline's runs give different alerts");
  const packs = (product[0] as SideRun).packs;
  const chatPack = packs.some((pack) => pack.startsWith('chat'));
  console.log(
    `${conversations} conversations (seed ${seed}): ${events.length} events, ${messages} messages (${withText} with text); packs: ${packs.join(', ')}${chatPack ? '' : ' — no chat pack registered: the text is not analysed'}`,
  );
  const summary = (side: readonly SideRun[]) => {
    const perMessage = rates(side, messages);
    return {
      messagesPerCpuSecond: perMessage.perCpuSecond,
      messagesPerSecond: perMessage.perSecond,
      eventsPerCpuSecond: rates(side, events.length).perCpuSecond,
      runsMessagesPerCpuSecond: perMessage.runsPerCpuSecond,
      alerts: side[0]?.alerts ?? 0,
      alertsSha256: side[0]?.alertsSha256 ?? '',
    };
  };
  const prevail = summary(product);
  const previous =
    beforeDirectory === undefined ? undefined : { commit: await commitOf(beforeDirectory), ...summary(before) };
  const metadataOnly = summary(baseline);
  const ratio = Number((prevail.messagesPerCpuSecond / metadataOnly.messagesPerCpuSecond).toFixed(3));
  const row = (label: string, side: ReturnType<typeof summary>) => [
    label,
    side.messagesPerCpuSecond,
    side.runsMessagesPerCpuSecond.join(', '),
    side.messagesPerSecond,
    side.eventsPerCpuSecond,
    side.alerts,
  ];
  printTable(
    ['side', 'messages/CPU-s', 'runs', 'messages/s (wall)', 'events/CPU-s', 'alerts'],
    [
      row('with text (normalisation, indicators, engine)', prevail),
      ...(previous === undefined ? [] : [row(`before (${previous.commit}), with text`, previous)]),
      row('baseline: same events, no text (engine only)', metadataOnly),
    ],
  );
  const machine = describeMachine();
  const beforeRatio =
    previous === undefined
      ? undefined
      : Number((prevail.messagesPerCpuSecond / previous.messagesPerCpuSecond).toFixed(3));
  if (previous !== undefined)
    console.log(
      `after/before: ${beforeRatio}× per CPU-second (medians of ${repeat} runs each, taken in turns)${detectionChanged ? `; the detection changed: before ${previous.alerts} alerts, after ${prevail.alerts}` : `; the same ${prevail.alerts} alerts on both sides`}`,
    );
  // Without a chat pack the text is carried but never analysed: the target says nothing then.
  const targetMet = chatPack ? prevail.messagesPerCpuSecond >= targetMessagesPerSecond : null;
  console.log(
    `with text / without: ${ratio}; target ${targetMessagesPerSecond} messages/s on one core: ${targetMet === null ? 'not measured (no chat pack analyses the text)' : targetMet ? 'met' : 'NOT met'}; ${machine.cpu}, ${machine.cores} cores, ${machine.node}`,
  );
  await finishBenchmark('chat', {
    conversations,
    seed,
    repeat,
    events: events.length,
    messages,
    messagesWithText: withText,
    packs,
    chatPackLoaded: chatPack,
    prevail,
    ...(previous === undefined ? {} : { before: { ...previous, detectionChanged }, beforeRatio }),
    baseline: metadataOnly,
    ratio,
    targetMessagesPerSecond,
    targetMet,
  });
}
