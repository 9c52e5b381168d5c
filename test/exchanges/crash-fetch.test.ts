import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServices } from '../../src/app/index.js';
import { feedPublicKeyText, parseFeedSigningKey } from '../../src/exchanges/index.js';
import { fakePdq } from '../support/exchange-rig.js';
import {
  freshDataDir,
  type PrevailNode,
  readKey,
  removeAll,
  startPrevailNode,
  testCredentialRing,
  testFeedSeed,
} from '../support/exchange-servers.js';

const childScript = fileURLToPath(new URL('../support/exchange-fetch-child.ts', import.meta.url));
const directories: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  await removeAll(directories);
});

test('SIGKILL during a fetch, restart: the bank equals the upstream list exactly', async () => {
  const publisher: PrevailNode = await startPrevailNode(await freshDataDir(directories), { feedKey: testFeedSeed });
  cleanups.push(() => publisher.stop());
  await publisher.services.banks.createBank({ name: 'SHARED' });
  const items = [];
  for (let n = 1; n <= 40; n++)
    items.push(await publisher.services.banks.addContent('SHARED', { signals: { pdq: fakePdq(n) } }));

  // A proxy in front of the publisher: on the 4th page request it kills the fetching child
  // (three pages are committed by then) and never answers; afterwards it passes everything on.
  let child: ChildProcess | undefined;
  let requests = 0;
  let killing = true;
  const target = new URL(publisher.url);
  const proxy = createServer((incoming, outgoing) => {
    requests++;
    if (killing && requests === 4) {
      child?.kill('SIGKILL');
      outgoing.destroy();
      return;
    }
    const forward = httpRequest(
      { host: target.hostname, port: target.port, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.end();
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  const subscriberDir = await freshDataDir(directories);
  const setup = await createServices(
    { dataDir: subscriberDir },
    { loadIndexes: false, exchanges: { evidenceKeys: testCredentialRing } },
  );
  await setup.exchanges.add({
    name: 'MIRROR',
    kind: 'prevail',
    config: {
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      bank: 'SHARED',
      public_key: feedPublicKeyText(parseFeedSigningKey(testFeedSeed)),
      page_size: 5,
    },
  });
  await setup.exchanges.setCredentials({ exchange: 'MIRROR' }, { api_key: await readKey(publisher) });
  await setup.close();

  child = spawn(process.execPath, ['--import', 'tsx', childScript, subscriberDir, 'MIRROR'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let childErrors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    childErrors += chunk.toString();
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child?.once('exit', (code, signal) => resolve({ code, signal })),
  );
  assert.equal(exit.signal, 'SIGKILL', `the child was to be killed mid-fetch: ${childErrors.slice(-2000)}`);

  // Upstream moves on while the subscriber is down: 3 withdrawn, 2 new.
  for (const item of items.slice(10, 13)) await publisher.services.banks.deleteContent(item.id);
  for (const n of [41, 42]) await publisher.services.banks.addContent('SHARED', { signals: { pdq: fakePdq(n) } });
  killing = false;

  const restarted = await createServices(
    { dataDir: subscriberDir },
    { exchanges: { evidenceKeys: testCredentialRing } },
  );
  cleanups.push(() => restarted.close());
  const before = await restarted.exchanges.status('MIRROR');
  assert.ok(before.fetchedItems >= 10 && before.fetchedItems < 40, `partly committed: ${before.fetchedItems}`);
  assert.deepEqual(before.checkpoint, { content: items[before.fetchedItems - 1]?.id, tombstone: 0 });
  assert.notEqual(before.leaseOwner, null, 'the killed fetcher still holds the lease');

  const resumed = await restarted.exchanges.fetch('MIRROR');
  assert.equal(resumed.upToDate, true);
  const mirror = (await restarted.banks.listContent('MIRROR', { limit: 1000 })).map((item) => item.signals.pdq).sort();
  const upstream = (await publisher.services.banks.listContent('SHARED', { limit: 1000 }))
    .map((item) => item.signals.pdq)
    .sort();
  assert.equal(upstream.length, 39);
  assert.deepEqual(mirror, upstream);
  assert.equal((await restarted.matcher.match({ signals: { pdq: fakePdq(11) } })).matches.length, 0);
  assert.equal((await restarted.matcher.match({ signals: { pdq: fakePdq(42) } })).matches.length, 1);
});
