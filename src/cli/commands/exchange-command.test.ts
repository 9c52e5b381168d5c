import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { fakePdq } from '../../../test/support/exchange-rig.js';
import { listUpstream, startNcmecContractServer } from '../../../test/support/ncmec-contract-server.js';
import { runCli } from '../main.js';

let directory: string;
const environment = { PREVAIL_EVIDENCE_KEYS: `c1:${'3c'.repeat(32)}`, USER: 'operator' };

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'prevail-exchange-cli-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function cli(argv: string[], env: Record<string, string> = environment) {
  const io = captureIo();
  const status = await runCli(argv, io, env);
  return { status, out: io.output(), err: io.errors() };
}

test('prevail exchange add, fetch, status, list, credentials, rotate-credentials, remove', async () => {
  const dataDir = join(directory, 'data');
  const list = join(directory, 'list.txt');
  await writeFile(list, `pdq ${fakePdq(1)}\npdq ${fakePdq(2)}\n`);
  const secrets = join(directory, 'secret.json');
  await writeFile(secrets, JSON.stringify({ authorization: 'Bearer fake-cli-secret' }));
  const d = ['--data-dir', dataDir];

  const added = await cli([
    'exchange',
    'add',
    'LOCAL_LIST',
    '--kind',
    'file',
    '--config',
    JSON.stringify({ path: list }),
    ...d,
  ]);
  assert.equal(added.status, 0, added.err);
  assert.equal(JSON.parse(added.out).kind, 'file');
  const fetched = await cli(['exchange', 'fetch', 'LOCAL_LIST', ...d]);
  assert.equal(fetched.status, 0, fetched.err);
  assert.equal(JSON.parse(fetched.out).upserts, 2);
  await writeFile(list, `pdq ${fakePdq(2)}\n`);
  assert.equal(JSON.parse((await cli(['exchange', 'fetch', 'LOCAL_LIST', ...d])).out).removals, 1);
  const status = JSON.parse((await cli(['exchange', 'status', 'LOCAL_LIST', ...d])).out);
  assert.equal(status.fetchedItems, 1);
  assert.equal(status.upToDate, true);

  const url = await cli([
    'exchange',
    'add',
    'URL_LIST',
    '--kind',
    'url',
    '--config',
    '{"url":"http://127.0.0.1:9/x.txt"}',
    '--credentials-file',
    secrets,
    '--interval',
    '60',
    ...d,
  ]);
  assert.equal(url.status, 0, url.err);
  const listed = await cli(['exchange', 'list', ...d]);
  assert.deepEqual(
    JSON.parse(listed.out).map((e: { name: string }) => e.name),
    ['LOCAL_LIST', 'URL_LIST'],
  );
  assert.ok(!listed.out.includes('fake-cli-secret') && !url.out.includes('fake-cli-secret'));
  // An unreachable upstream: exit 1, a coded message, the status records it.
  const failed = await cli(['exchange', 'fetch', 'URL_LIST', ...d]);
  assert.equal(failed.status, 1);
  assert.match(failed.err, /EXCHANGE_(UNAVAILABLE|TIMEOUT)/);
  assert.ok(!failed.err.includes('fake-cli-secret'));

  const rotatedEnv = {
    ...environment,
    PREVAIL_EVIDENCE_KEYS: `c2:${'4d'.repeat(32)},${environment.PREVAIL_EVIDENCE_KEYS}`,
  };
  const rotated = await cli(['exchange', 'rotate-credentials', ...d], rotatedEnv);
  assert.deepEqual(JSON.parse(rotated.out), { rotated: 1, current: 0 });
  assert.equal((await cli(['exchange', 'credentials', 'URL_LIST', '--clear', ...d], rotatedEnv)).status, 0);

  assert.equal((await cli(['exchange', 'remove', 'URL_LIST', ...d])).status, 0);
  assert.equal((await cli(['exchange', 'remove', 'URL_LIST', ...d])).status, 1);
});

test('prevail exchange refuses bad input with coded errors and explains itself', async () => {
  const d = ['--data-dir', join(directory, 'bad')];
  for (const config of ['not json', '[1]', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, 'x'.repeat(70_000)]) {
    const refused = await cli(['exchange', 'add', 'BAD', '--kind', 'file', '--config', config, ...d]);
    assert.equal(refused.status, 1);
    assert.match(refused.err, /EXCHANGE_INVALID/);
  }
  const kind = await cli(['exchange', 'add', 'BAD', '--kind', 'nope\u0000', ...d]);
  assert.match(kind.err, /EXCHANGE_INVALID: no exchange kind 'nope\\u0000'/);
  assert.match(
    (await cli(['exchange', 'add', 'lower', '--kind', 'file', '--config', '{"path":"/x"}', ...d])).err,
    /BANK_INVALID_NAME/,
  );
  assert.equal((await cli(['exchange', 'add', 'BAD', '--kind', 'file', '--interval', '1e999', ...d])).status, 2);
  assert.match((await cli(['exchange', 'status', 'NONE', ...d])).err, /EXCHANGE_NOT_FOUND/);
  const help = await cli(['exchange', '--help']);
  assert.match(help.out, /upstream hash list kept in a bank/);
  assert.match(help.out, /rotate-credentials/);
  const keys = JSON.parse((await cli(['exchange', 'feed-keygen'])).out);
  assert.match(keys.signingKey, /^[0-9a-f]{64}$/);
  assert.match(keys.publicKey, /^[A-Za-z0-9+/]{43}=$/);
});

test('prevail exchange add --kind ncmec, fetch, feedback: the verdict reaches NCMEC; refusals exit 1', async () => {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const server = await startNcmecContractServer({
    upstream: listUpstream(() => [
      { member: 101, id: 'e7', type: 'image', timestamp: nowSeconds - 600, md5: 'ab'.repeat(16), pdq: fakePdq(7) },
    ]),
  });
  try {
    const dataDir = join(directory, 'ncmec-data');
    const d = ['--data-dir', dataDir];
    const secrets = join(directory, 'ncmec.json');
    await writeFile(secrets, JSON.stringify({ user: 'test-user', password: 'test-password' }));
    const added = await cli([
      'exchange',
      'add',
      'NCMEC_CLI',
      '--kind',
      'ncmec',
      '--config',
      JSON.stringify({ environment: server.url, only_esp_ids: [101] }),
      '--credentials-file',
      secrets,
      ...d,
    ]);
    assert.equal(added.status, 0, added.err);
    assert.ok(!added.out.includes('test-password'));
    const fetched = await cli(['exchange', 'fetch', 'NCMEC_CLI', ...d]);
    assert.equal(fetched.status, 0, fetched.err);
    assert.equal(JSON.parse(fetched.out).upserts, 1);

    const feedback = (key: string, verdict: string) =>
      cli(['exchange', 'feedback', 'NCMEC_CLI', key, '--verdict', verdict, '--reason', 'reviewed', ...d]);
    for (const [key, verdict] of [
      ['101-e7', 'maybe'],
      ['101-nope', 'true_positive'],
      ['\u0000', 'true_positive'],
      ['x'.repeat(100_000), 'false_positive'],
    ] as [string, string][]) {
      const refused = await feedback(key, verdict);
      assert.equal(refused.status, 1, `${key.slice(0, 20)} ${verdict}`);
      assert.match(refused.err, /REQUEST_INVALID|CONTENT_NOT_FOUND/);
    }
    assert.equal(server.feedback.length, 0);
    const sent = await feedback('101-e7', 'true_positive');
    assert.equal(sent.status, 0, sent.err);
    assert.deepEqual(JSON.parse(sent.out), {
      sent: true,
      exchange: 'NCMEC_CLI',
      key: '101-e7',
      signalType: 'md5',
      verdict: 'true_positive',
    });
    assert.equal(server.feedback.length, 1);
    assert.match(String(server.feedback[0]?.body), /<affirmative\/>/);
  } finally {
    await server.close();
  }
});
