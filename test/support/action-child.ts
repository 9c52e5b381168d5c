/**
 * Prevail in a child process for the crash tests of the action outbox (a test kills it with
 * SIGKILL). `node --import tsx test/support/action-child.ts <mode> <dataDir> <policyDir>`:
 * - `commit`: ingests one private session (its action is committed with the event), prints
 *   `committed`, then waits to be killed without sending anything;
 * - `send`: prints `sending` and delivers the outbox (leases of 1 s), waiting to be killed while
 *   the receiver holds the request.
 */
import { openActionRig, privateSession } from './action-rig.js';

const [mode, dataDir, policyDir] = process.argv.slice(2);
if (dataDir === undefined || policyDir === undefined)
  throw new Error('usage: action-child <mode> <dataDir> <policyDir>');
const rig = await openActionRig(dataDir, policyDir);
if (mode === 'commit') {
  await rig.engine.ingest([privateSession('evt-crash-1', 'host-k', 'stream-k')], { wait: true });
  process.stdout.write('committed\n');
} else {
  process.stdout.write('sending\n');
  await rig.dispatcher({ leaseMs: 1000 }).drain();
}
setInterval(() => undefined, 1000);
