import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { signWebhook, signWebhookEd25519 } from '../../actions/index.js';
import { runCli } from '../main.js';

const secret = 'test-only-secret-0123456789abcdef';

async function run(args: string[]) {
  const io = captureIo();
  const status = await runCli(args, io);
  return { status, output: io.output().trim(), errors: io.errors() };
}

describe('prevail actions verify', () => {
  let directory: string;
  let bodyFile: string;
  const body = '{"id":"k1","case_id":7,"action":"end_stream"}';

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-actions-cli-'));
    bodyFile = join(directory, 'body.json');
    await writeFile(bodyFile, body);
  });

  after(() => rm(directory, { recursive: true, force: true }));

  test('a good signature verifies (exit 0); a changed body does not (exit 1)', async () => {
    const header = signWebhook(secret, body, 1_800_000_000);
    const args = ['actions', 'verify', '--secret', secret, '--header', header, '--body-file', bodyFile];
    const good = await run([...args, '--now', '1800000030']);
    assert.equal(good.status, 0, good.errors);
    assert.deepEqual(JSON.parse(good.output), { ok: true, timestamp: 1_800_000_000 });
    const stale = await run([...args, '--now', '1800009999']);
    assert.equal(stale.status, 1);
    assert.deepEqual(JSON.parse(stale.output), { ok: false, reason: 'stale' });
    await writeFile(join(directory, 'changed.json'), `${body} `);
    process.env.PREVAIL_ACTION_SECRET_TEST = secret;
    const changed = await run([
      'actions',
      'verify',
      '--secret-env',
      'PREVAIL_ACTION_SECRET_TEST',
      '--header',
      header,
      '--body-file',
      join(directory, 'changed.json'),
      '--now',
      '1800000000',
    ]);
    delete process.env.PREVAIL_ACTION_SECRET_TEST;
    assert.equal(changed.status, 1);
    assert.deepEqual(JSON.parse(changed.output), { ok: false, reason: 'mismatch' });
  });

  test('an Ed25519 signature verifies with the public key file; another key, a changed body or a junk key file do not', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519').publicKey;
    await writeFile(join(directory, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(join(directory, 'other.pem'), other.export({ type: 'spki', format: 'pem' }));
    await writeFile(join(directory, 'junk.pem'), '-----BEGIN PUBLIC KEY-----\n\u0000\n-----END PUBLIC KEY-----\n');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    await writeFile(join(directory, 'rsa.pem'), rsa.export({ type: 'spki', format: 'pem' }));
    const header = signWebhookEd25519(privateKey, body, 1_800_000_000);
    assert.match(header, /^t=1800000000,ed25519=[A-Za-z0-9+/]{86}==$/);
    const verify = (keyFile: string, headerValue = header) =>
      run([
        'actions',
        'verify',
        '--public-key-file',
        join(directory, keyFile),
        '--header',
        headerValue,
        '--body-file',
        bodyFile,
        '--now',
        '1800000010',
      ]);
    const good = await verify('public.pem');
    assert.equal(good.status, 0, good.errors);
    assert.deepEqual(JSON.parse(good.output), { ok: true, timestamp: 1_800_000_000 });
    assert.deepEqual(JSON.parse((await verify('other.pem')).output), { ok: false, reason: 'mismatch' });
    const hmacHeader = signWebhook(secret, body, 1_800_000_000);
    assert.deepEqual(JSON.parse((await verify('public.pem', hmacHeader)).output), { ok: false, reason: 'malformed' });
    for (const bad of ['junk.pem', 'rsa.pem']) {
      const refused = await verify(bad);
      assert.equal(refused.status, 2, bad);
      assert.match(refused.errors, /CONFIG_INVALID/);
    }
  });

  test('both or neither of --secret and --secret-env is a usage error', async () => {
    const result = await run(['actions', 'verify', '--header', 't=1,v1=00', '--body-file', bodyFile]);
    assert.equal(result.status, 2);
    assert.match(result.errors, /CONFIG_INVALID: give exactly one of --secret, --secret-env and --public-key-file/);
  });
});
