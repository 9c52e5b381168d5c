import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { startLocalServer } from '../../../test/support/http-server.js';
import { patternImage } from '../../../test/support/images.js';
import { parsePdqHash, pdqDistance } from '../../signals/index.js';
import { runCli } from '../main.js';

async function run(args: string[]) {
  const io = captureIo();
  const status = await runCli(args, io);
  const lines = io
    .output()
    .split('\n')
    .filter((line) => line !== '');
  return {
    status,
    lines,
    records: args.includes('text') ? [] : lines.map((line) => JSON.parse(line)),
    errors: io.errors(),
  };
}

describe('prevail hash', () => {
  let directory: string;
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let jpeg: Uint8Array;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-hash-'));
    jpeg = await patternImage(320, 200, 'jpeg');
    await mkdir(join(directory, 'nested'));
    await writeFile(join(directory, 'a.jpg'), jpeg);
    await writeFile(join(directory, 'nested', 'b.png'), await patternImage(200, 320, 'png', 3));
    await writeFile(join(directory, 'notes.txt'), 'not an image');
    await writeFile(join(directory, 'fake.jpg'), 'text named like a JPEG');
    await writeFile(join(directory, 'empty.png'), '');
    server = await startLocalServer((request, response) => {
      if (request.url === '/a.jpg') return void response.end(jpeg);
      response.writeHead(404).end();
    });
  });
  after(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('walks directories in name order, keeps image endings, and reports bad files without stopping', async () => {
    const { status, records } = await run(['hash', directory]);
    assert.equal(status, 1, 'non-zero because some inputs failed');
    assert.deepEqual(
      records.map((record) => record.path.slice(directory.length + 1)),
      ['a.jpg', 'empty.png', 'fake.jpg', join('nested', 'b.png')],
    );
    const [good, empty, fake, nested] = records;
    assert.match(good.pdq, /^[0-9a-f]{64}$/);
    assert.ok(good.quality >= 50);
    assert.match(good.md5, /^[0-9a-f]{32}$/);
    assert.match(good.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(good), ['path', 'pdq', 'quality', 'md5', 'sha256']);
    assert.equal(empty.error.code, 'INPUT_EMPTY');
    assert.equal(fake.error.code, 'IMAGE_UNSUPPORTED_FORMAT');
    assert.deepEqual(Object.keys(fake), ['path', 'error']);
    assert.ok(pdqDistance(parsePdqHash(good.pdq), parsePdqHash(nested.pdq)) > 31, 'different images differ');
  });

  test('exits 0 when every input succeeds, and --signals limits the output', async () => {
    const { status, records } = await run(['hash', '--signals', 'md5,sha256', join(directory, 'a.jpg')]);
    assert.equal(status, 0);
    assert.deepEqual(Object.keys(records[0]), ['path', 'md5', 'sha256']);
  });

  test('MD5 and SHA-256 of a file that is not an image still work without PDQ', async () => {
    const { status, records } = await run(['hash', '--signals', 'md5', join(directory, 'notes.txt')]);
    assert.equal(status, 0);
    assert.equal(records[0].md5, createHash('md5').update('not an image').digest('hex'));
  });

  test('--dihedral adds the seven variants', async () => {
    const { records } = await run(['hash', '--dihedral', '--signals', 'pdq', join(directory, 'a.jpg')]);
    assert.deepEqual(Object.keys(records[0].dihedral), [
      'rotate90',
      'rotate180',
      'rotate270',
      'flipX',
      'flipY',
      'flipPlus1',
      'flipMinus1',
    ]);
    for (const hash of Object.values(records[0].dihedral)) assert.notEqual(hash, records[0].pdq);
  });

  test('--format text prints one tab-separated line per input', async () => {
    const { lines } = await run(['hash', '--format', 'text', join(directory, 'a.jpg'), join(directory, 'missing.jpg')]);
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /\tpdq=[0-9a-f]{64}\tquality=\d+\tmd5=/);
    assert.match(lines[1] ?? '', /\tERROR INPUT_NOT_FOUND: /);
  });

  test('hashes a URL on loopback only when private addresses are allowed', async () => {
    const refused = await run(['hash', `${server.url}/a.jpg`]);
    assert.equal(refused.records[0].error.code, 'URL_HOST_NOT_ALLOWED');
    const fetched = await run(['hash', '--allow-private', `${server.url}/a.jpg`]);
    const local = await run(['hash', join(directory, 'a.jpg')]);
    assert.equal(fetched.status, 0);
    assert.equal(fetched.records[0].sha256, local.records[0].sha256);
    assert.equal(fetched.records[0].pdq, local.records[0].pdq);
  });

  test('the pixel and byte limits are flags', async () => {
    const pixels = await run(['hash', '--max-pixels', '1000', join(directory, 'a.jpg')]);
    assert.equal(pixels.records[0].error.code, 'IMAGE_TOO_MANY_PIXELS');
    const bytes = await run(['hash', '--max-bytes', '100', join(directory, 'a.jpg')]);
    assert.equal(bytes.records[0].error.code, 'INPUT_TOO_LARGE');
  });

  test('usage errors exit 2 with a message on stderr and nothing on stdout', async () => {
    for (const args of [
      ['hash', '--signals', 'pdq,sha1', 'x.jpg'],
      ['hash'],
      ['hash', '--max-pixels', '-3', 'x.jpg'],
      ['nonsense'],
    ]) {
      const { status, lines, errors } = await run(args);
      assert.equal(status, 2, args.join(' '));
      assert.equal(lines.length, 0);
      assert.ok(errors.length > 0);
    }
  });
});
