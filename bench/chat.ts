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
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { simulateChats } from '../src/simulate/index.js';
import { describeMachine } from './lib/machine.js';
import { median } from './lib/median.js';
import { finishBenchmark, printTable } from './lib/report.js';

const execute = promisify(execFile);
const targetMessagesPerSecond = 20_000;

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

/** The value of a text option, or undefined when absent. */
function textOption(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} takes a value`);
  return value;
}

/** One run of one side (see `chat-side.ts`). */
interface SideRun {
  readonly packs: readonly string[];
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly alerts: number;
  readonly alertsSha256: string;
}

/** Runs one side in a fresh process on the code compiled under `root`, over the events in `file`. */
async function runSide(root: string, file: string): Promise<SideRun> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'chat-side.js');
  const { stdout } = await execute(process.execPath, [script, root, file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as SideRun;
}

/** The commit checked out in `directory` (short hash), for the record. */
async function commitOf(directory: string): Promise<string> {
  const { stdout } = await execute('git', ['-C', directory, 'rev-parse', '--short', 'HEAD']);
  return stdout.trim();
}

/** Fails when a run's alerts differ from the reference's. */
function sameAlerts(runs: readonly SideRun[], reference: SideRun | undefined, what: string): void {
  for (const item of runs) {
    if (reference !== undefined && (item.alerts !== reference.alerts || item.alertsSha256 !== reference.alertsSha256))
      throw new Error(
        `${what}: ${item.alerts} (${item.alertsSha256}) against ${reference.alerts} (${reference.alertsSha256})`,
      );
  }
}

export async function run(args: string[]): Promise<void> {
  const conversations = option(args, '--conversations', 2000);
  const seed = option(args, '--seed', 7);
  const repeat = Math.max(1, option(args, '--repeat', 3));
  const beforeDirectory = textOption(args, '--before');
  const detectionChanged = args.includes('--detection-changed');
  const { events } = simulateChats({ seed, conversations });
  const withoutText = events.map((event) =>
    event.type === 'message.sent' && 'text' in event.data
      ? { ...event, data: Object.fromEntries(Object.entries(event.data).filter(([key]) => key !== 'text')) }
      : event,
  );
  const messages = events.filter((event) => event.type === 'message.sent').length;
  const withText = events.filter((event) => event.type === 'message.sent' && 'text' in event.data).length;
  const afterRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const beforeRoot = beforeDirectory === undefined ? undefined : join(resolve(beforeDirectory), 'build', 'bench');
  if (beforeRoot !== undefined && !existsSync(join(beforeRoot, 'src', 'screening', 'index.js')))
    throw new Error(`${beforeRoot} holds no build: run \`npx tsc -p tsconfig.bench.json\` in ${beforeDirectory} first`);
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-chat-'));
  const textFile = join(directory, 'events.jsonl');
  const metadataFile = join(directory, 'events-without-text.jsonl');
  const product: SideRun[] = [];
  const before: SideRun[] = [];
  const baseline: SideRun[] = [];
  const rate = (item: SideRun) => Math.round(messages / item.cpuSeconds);
  try {
    await writeFile(textFile, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    await writeFile(metadataFile, `${withoutText.map((event) => JSON.stringify(event)).join('\n')}\n`);
    for (let round = 0; round < repeat; round++) {
      if (beforeRoot !== undefined) before.push(await runSide(beforeRoot, textFile));
      product.push(await runSide(afterRoot, textFile));
      baseline.push(await runSide(afterRoot, metadataFile));
      const last = <T>(side: readonly T[]) => side[side.length - 1] as T;
      console.log(
        `round ${round + 1}/${repeat}: with text ${rate(last(product))} msg/CPU-s${beforeRoot === undefined ? '' : `, before ${rate(last(before))}`}, without text ${rate(last(baseline))}`,
      );
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  if (detectionChanged) {
    sameAlerts(product, product[0], "this side's runs give different alerts");
    sameAlerts(before, before[0], "the before side's runs give different alerts");
  } else sameAlerts([...before, ...product], product[0], "the two sides' alerts differ");
  sameAlerts(baseline, baseline[0], "the baseline's runs give different alerts");
  const packs = (product[0] as SideRun).packs;
  const chatPack = packs.some((pack) => pack.startsWith('chat'));
  console.log(
    `${conversations} conversations (seed ${seed}): ${events.length} events, ${messages} messages (${withText} with text); packs: ${packs.join(', ')}${chatPack ? '' : ' — no chat pack registered: the text is not analysed'}`,
  );
  const summary = (side: readonly SideRun[]) => ({
    messagesPerCpuSecond: Math.round(median(side.map((item) => messages / item.cpuSeconds))),
    messagesPerSecond: Math.round(median(side.map((item) => messages / item.seconds))),
    eventsPerCpuSecond: Math.round(median(side.map((item) => events.length / item.cpuSeconds))),
    runsMessagesPerCpuSecond: side.map(rate),
    alerts: side[0]?.alerts ?? 0,
    alertsSha256: side[0]?.alertsSha256 ?? '',
  });
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
