/**
 * The upstream of `npm run bench -- exchange`, in a process of its own so that the client's RSS
 * and CPU are its own: `node ncmec-server-side.js <entries> <firstTimestamp> <perSecond>` starts
 * the NCMEC contract server over `generatedUpstream` (entries made on demand, bounded memory) on
 * 127.0.0.1 and prints its URL as one line; it runs until killed.
 */
import { generatedUpstream, startNcmecContractServer } from '../../test/support/ncmec-contract-server.js';

const [entries, firstTimestamp, perSecond] = process.argv.slice(2).map(Number);
if (entries === undefined || firstTimestamp === undefined || perSecond === undefined) {
  throw new Error('usage: ncmec-server-side.js <entries> <firstTimestamp> <perSecond>');
}
const server = await startNcmecContractServer({
  upstream: generatedUpstream(entries, firstTimestamp, perSecond),
  maxRequests: Number.MAX_SAFE_INTEGER,
});
console.log(server.url);
