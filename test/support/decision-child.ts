/**
 * A child process for the decision-feedback crash test: opens the store named by the JSON in
 * `argv[2]` (createServices' first argument) with the engine, ingests a `media.matched` event of
 * item `argv[4]` of bank `argv[3]` for user `argv[5]` and dismisses the case it opens. The moment
 * the case service tells its listeners of the committed decision, the child prints `decided <case
 * id>` and kills itself (SIGKILL; a pipe write is synchronous on Linux): nothing after the commit
 * runs — not the rest of the decision's own code, no feedback job tick, no orderly close.
 */
import { createServices } from '../../src/app/index.js';
import { examplePolicy } from './engine-harness.js';
import { testCredentialRing } from './exchange-servers.js';

const [whereJson, bank, contentId, user] = process.argv.slice(2);
if (whereJson === undefined || bank === undefined || contentId === undefined || user === undefined)
  throw new Error('usage: decision-child <where json> <bank> <content id> <user>');
const services = await createServices(
  { ...(JSON.parse(whereJson) as { dataDir: string }), policyDir: examplePolicy },
  { withEngine: true, loadIndexes: false, exchanges: { evidenceKeys: testCredentialRing } },
);
const [result] = (await services.engine?.engine.ingest(
  [
    {
      id: `decision-child-${user}`,
      type: 'media.matched',
      time: new Date().toISOString(),
      entities: { user },
      data: {
        matches: [{ bank, contentId: Number(contentId), signalType: 'md5', distance: 0 }],
        signals: { md5: 'x' },
        source: 'api',
      },
    },
  ],
  { wait: true },
)) ?? [undefined];
if (result?.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(result)}`);
const [found] = await services.storage.engine.cases.list({ subject: `user:${user}` });
if (found === undefined) throw new Error('no case');
await services.cases.update(
  found.id,
  { decision: 'dismissed' },
  { actor: 'api:crash-test', reason: 'synthetic crash test' },
);
process.stdout.write(`decided ${found.id}\n`, () => process.kill(process.pid, 'SIGKILL'));
