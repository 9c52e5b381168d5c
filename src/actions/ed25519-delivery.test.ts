import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openActionRig, privateSession, writeActionPolicy } from '../../test/support/action-rig.js';
import { verifyWebhookEd25519 } from './index.js';

describe('webhooks signed with Ed25519', () => {
  test('the dispatcher signs with the endpoint private key; the receiver verifies with the public key only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prevail-actions-ed25519-'));
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const policyDir = join(dir, 'policy');
    await writeActionPolicy(policyDir, url);
    await writeFile(
      join(policyDir, 'actions.yaml'),
      `endpoints:
  platform: { url: "${url}", secret_env: PREVAIL_ACTION_SECRET_ED, signature: ed25519 }
actions:
  - { name: end_stream, kind: terminate_stream, mode: active, endpoints: [platform] }
  - { name: warn_host, kind: warn_user, mode: shadow, endpoints: [platform] }
`,
    );
    const rig = await openActionRig(join(dir, 'data'), policyDir, undefined, {
      env: { PREVAIL_ACTION_SECRET_ED: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    });
    try {
      await rig.engine.ingest([privateSession('evt-ed1', 'host-1', 'stream-1')], { wait: true });
      assert.deepEqual(await rig.dispatcher().drain(), { attempted: 1, delivered: 1, failed: 0 });
      assert.equal(received.length, 1);
      const [request] = received;
      const header = String(request?.headers['prevail-signature']);
      assert.match(header, /^t=\d+,ed25519=/);
      assert.equal(verifyWebhookEd25519(publicKey, header, request?.body ?? '', Date.now() / 1000).ok, true);
      const other = generateKeyPairSync('ed25519').publicKey;
      assert.equal(verifyWebhookEd25519(other, header, request?.body ?? '', Date.now() / 1000).ok, false);
    } finally {
      await rig.close();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
