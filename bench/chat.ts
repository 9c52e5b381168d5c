/**
 * `npm run bench -- chat [--conversations N] [--seed S] [--repeat R]` (default 2,000 conversations
 * of `prevail simulate chats`, seed 7, 3 rounds): chat messages per CPU-second on one core through
 * every rule pack registered in `src/app/rule-packs.ts` at run time (so, once the chat pack and its
 * analyser are registered, through normalisation, language identification, indicators, dyad
 * features, typologies and the engine's durable event log), side by side with a baseline: the very
 * same events without their text, i.e. the engine alone on metadata. Both sides run in turns in
 * one process, `--repeat` times each, on throwaway SQLite stores (WAL, synchronous NORMAL, the
 * engine's default snapshots); medians of CPU time (`process.cpuUsage`, not wall clock, because
 * the machine is shared) are compared. The target is 20,000 messages per second on one core.
 */
import { builtinPacks } from '../src/app/index.js';
import { withPackEngine } from '../src/screening/index.js';
import { type ChatSimEvent, simulateChats } from '../src/simulate/index.js';
import { describeMachine } from './lib/machine.js';
import { median } from './lib/median.js';
import { finishBenchmark, printTable } from './lib/report.js';

const targetMessagesPerSecond = 20_000;

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

/** One side: ingest every event in calls of 1,000, drain; CPU and wall seconds, and the alerts. */
async function runSide(events: readonly ChatSimEvent[]) {
  const packs = await Promise.all(builtinPacks.map((factory) => factory.create()));
  return withPackEngine(
    packs,
    async (engine) => {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let index = 0; index < events.length; index += 1000) {
        await engine.ingest(events.slice(index, index + 1000));
      }
      await engine.drain();
      const cpu = process.cpuUsage(cpuBefore);
      return {
        seconds: (performance.now() - started) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        alerts: engine.typologyAlerts().length,
      };
    },
    { snapshotEvery: 100_000 },
  );
}

export async function run(args: string[]): Promise<void> {
  const conversations = option(args, '--conversations', 2000);
  const seed = option(args, '--seed', 7);
  const repeat = Math.max(1, option(args, '--repeat', 3));
  const { events } = simulateChats({ seed, conversations });
  const withoutText = events.map((event) =>
    event.type === 'message.sent' && 'text' in event.data
      ? { ...event, data: Object.fromEntries(Object.entries(event.data).filter(([key]) => key !== 'text')) }
      : event,
  );
  const messages = events.filter((event) => event.type === 'message.sent').length;
  const withText = events.filter((event) => event.type === 'message.sent' && 'text' in event.data).length;
  const packs = await Promise.all(builtinPacks.map((factory) => factory.create()));
  const chatPack = packs.some((pack) => pack.name.startsWith('chat'));
  console.log(
    `${conversations} conversations (seed ${seed}): ${events.length} events, ${messages} messages (${withText} with text); packs: ${packs.map((pack) => pack.name).join(', ')}${chatPack ? '' : ' — no chat pack registered: the text is not analysed'}`,
  );
  const product: Awaited<ReturnType<typeof runSide>>[] = [];
  const baseline: Awaited<ReturnType<typeof runSide>>[] = [];
  for (let round = 0; round < repeat; round++) {
    product.push(await runSide(events));
    baseline.push(await runSide(withoutText));
    const last = (side: typeof product) => side[side.length - 1] as (typeof product)[number];
    console.log(
      `round ${round + 1}: with text ${Math.round(messages / last(product).cpuSeconds)} msg/CPU-s, without text ${Math.round(messages / last(baseline).cpuSeconds)} msg/CPU-s`,
    );
  }
  const summary = (side: typeof product) => ({
    messagesPerCpuSecond: Math.round(median(side.map((item) => messages / item.cpuSeconds))),
    messagesPerSecond: Math.round(median(side.map((item) => messages / item.seconds))),
    eventsPerCpuSecond: Math.round(median(side.map((item) => events.length / item.cpuSeconds))),
    runsMessagesPerCpuSecond: side.map((item) => Math.round(messages / item.cpuSeconds)),
    alerts: side[0]?.alerts ?? 0,
  });
  const prevail = summary(product);
  const metadataOnly = summary(baseline);
  const ratio = Number((prevail.messagesPerCpuSecond / metadataOnly.messagesPerCpuSecond).toFixed(3));
  printTable(
    ['side', 'messages/CPU-s', 'messages/s (wall)', 'events/CPU-s', 'alerts'],
    [
      [
        'with text (normalisation, indicators, engine)',
        prevail.messagesPerCpuSecond,
        prevail.messagesPerSecond,
        prevail.eventsPerCpuSecond,
        prevail.alerts,
      ],
      [
        'baseline: same events, no text (engine only)',
        metadataOnly.messagesPerCpuSecond,
        metadataOnly.messagesPerSecond,
        metadataOnly.eventsPerCpuSecond,
        metadataOnly.alerts,
      ],
    ],
  );
  const machine = describeMachine();
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
    packs: packs.map((pack) => `${pack.name} v${pack.version}`),
    chatPackLoaded: chatPack,
    prevail,
    baseline: metadataOnly,
    ratio,
    targetMessagesPerSecond,
    targetMet,
  });
}
