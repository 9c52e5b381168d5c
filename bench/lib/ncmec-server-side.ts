/**
 * The upstream of `npm run bench -- exchange`, in a process of its own so that the client's RSS
 * and CPU are its own: `node ncmec-server-side.js <entries> <firstTimestamp> <perSecond> [deltas]`
 * starts the NCMEC contract server over `generatedUpstream` (entries made on demand, bounded
 * memory) on 127.0.0.1 and prints its URL as one line; it runs until killed. With `deltas`, a line
 * `publish <unix seconds>` on stdin publishes that many changes (`GeneratedDeltas`) from that
 * second on, and the server answers `published`.
 */
import { createInterface } from 'node:readline';
import {
  type GeneratedDeltas,
  generatedUpstream,
  startNcmecContractServer,
} from '../../test/support/ncmec-contract-server.js';

const [entries, firstTimestamp, perSecond, deltaCount] = process.argv.slice(2).map(Number);
if (entries === undefined || firstTimestamp === undefined || perSecond === undefined) {
  throw new Error('usage: ncmec-server-side.js <entries> <firstTimestamp> <perSecond> [deltas]');
}
const deltas: GeneratedDeltas = { count: deltaCount ?? 0 };
const server = await startNcmecContractServer({
  upstream: generatedUpstream(entries, firstTimestamp, perSecond, deltas),
  maxRequests: Number.MAX_SAFE_INTEGER,
});
console.log(server.url);
createInterface({ input: process.stdin }).on('line', (line) => {
  const [word, at] = line.split(' ');
  if (word === 'publish' && Number.isSafeInteger(Number(at))) {
    deltas.from = Number(at);
    console.log('published');
  }
});
