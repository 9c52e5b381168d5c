/**
 * One side of `npm run bench -- payments`, in a process of its own so that each side gets a fresh
 * V8 heap and JIT: `node payments-side.js <root> <events.jsonl>` ingests the events of the file
 * (one engine event per line, as the parent wrote them) through the OCSE pack on the code compiled
 * under `root` (a `build/bench` directory: this branch's, or another commit's built in its own
 * worktree), in calls of 1,000, then drains, and prints one JSON line: seconds, CPU seconds and
 * the typology alerts' number and SHA-256 (which must be the same on both sides).
 *
 * Only the screening door is loaded from `root`, so that the code measured is that commit's whole
 * engine, features, pack and store, fed exactly the same events.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingestAndDigest, readEvents } from './side-measure.js';

type ScreeningDoor = typeof import('../../src/screening/index.js');

const [root, file] = process.argv.slice(2);
if (root === undefined || file === undefined) throw new Error('usage: payments-side.js <build root> <events.jsonl>');
const { withScreeningEngine } = (await import(
  pathToFileURL(join(root, 'src', 'screening', 'index.js')).href
)) as ScreeningDoor;
const events = readEvents(file);

const result = await withScreeningEngine({}, (engine) => ingestAndDigest(engine, events));
console.log(JSON.stringify({ payments: events.length, ...result }));
