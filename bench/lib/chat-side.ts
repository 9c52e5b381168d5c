/**
 * One side of `npm run bench -- chat`, in a process of its own so that each side gets a fresh V8
 * heap and JIT: `node chat-side.js <root> <events.jsonl>` ingests the events of the file (one
 * engine event per line, as the parent wrote them) through every rule pack registered in that
 * code's `src/app/rule-packs.ts`, on the code compiled under `root` (a `build/bench` directory:
 * this branch's, or another commit's built in its own worktree), in calls of 1,000, then drains,
 * and prints one JSON line: seconds, CPU seconds and the typology alerts' number and SHA-256. It
 * does so twice, each time with fresh packs on a fresh store, and measures the second pass: the
 * first warms the JIT, as a server that has been running is (a cold process spends a good part
 * of a short run compiling).
 *
 * Only the app and screening doors are loaded from `root`, so that the code measured is that
 * commit's whole analyser, chat pack, engine and store, fed exactly the same events. The store is
 * a throwaway SQLite one (WAL, synchronous NORMAL) with a snapshot every 100,000 events.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingestAndDigest, readEvents } from './side-measure.js';

type AppDoor = typeof import('../../src/app/index.js');
type ScreeningDoor = typeof import('../../src/screening/index.js');

const [root, file] = process.argv.slice(2);
if (root === undefined || file === undefined) throw new Error('usage: chat-side.js <build root> <events.jsonl>');
const { builtinPacks } = (await import(pathToFileURL(join(root, 'src', 'app', 'index.js')).href)) as AppDoor;
const { withPackEngine } = (await import(
  pathToFileURL(join(root, 'src', 'screening', 'index.js')).href
)) as ScreeningDoor;
const events = readEvents(file);

/** One pass: fresh packs, a fresh throwaway store; every event in, drained; CPU and alerts. */
async function pass() {
  const packs = await Promise.all(builtinPacks.map((factory) => factory.create()));
  const measured = await withPackEngine(packs, (engine) => ingestAndDigest(engine, events), { snapshotEvery: 100_000 });
  return { packs: packs.map((pack) => `${pack.name} v${pack.version}`), ...measured };
}

await pass();
const result = await pass();
console.log(JSON.stringify(result));
