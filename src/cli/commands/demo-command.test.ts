import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { defaultMaxPixels } from '../../content/index.js';
import { startDemo } from './demo-command.js';

const run = promisify(execFile);
const curlAvailable = await run('curl', ['--version']).then(
  () => true,
  () => false,
);

/** Demo options on an ephemeral loopback port over `dataDir`. */
function demoOptions(dataDir: string) {
  return {
    dataDir,
    host: '127.0.0.1',
    port: 0,
    hmaOpen: false,
    maxUploadBytes: 20 * 1024 * 1024,
    maxPixels: defaultMaxPixels,
    urlTimeout: 5000,
    allowHost: [],
    allowPrivate: false,
  };
}

describe('prevail demo', () => {
  let directory: string;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-demo-'));
    demo = await startDemo(demoOptions(directory));
  });
  after(async () => {
    await demo.server.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('prints curl commands, and every one of them works against the running demo', {
    skip: curlAvailable ? false : 'curl is not installed',
  }, async () => {
    const commands = demo.lines.map((line) => line.trim()).filter((line) => line.startsWith('curl '));
    assert.ok(commands.length >= 8, `printed ${commands.length} commands`);
    const outputs: string[] = [];
    for (const command of commands) {
      const withoutComment = command.replace(/\s+#.*$/, '');
      const { stdout } = await run('sh', ['-c', `${withoutComment} --silent --show-error --fail --max-time 10`]);
      outputs.push(stdout);
    }
    const outputOf = (...needles: string[]) =>
      outputs[commands.findIndex((command) => needles.every((needle) => command.includes(needle)))] ?? '';
    assert.equal(outputOf('/status'), 'I-AM-ALIVE');
    assert.deepEqual(Object.keys(JSON.parse(outputOf('query-near-copy.jpg', '/m/lookup')).pdq), ['DEMO_IMAGES']);
    assert.deepEqual(JSON.parse(outputOf('query-unrelated.png', '/m/lookup')), { pdq: {} });
    assert.match(outputOf('signal_type=pdq'), /DEMO_IMAGES/);
    assert.equal(JSON.parse(outputOf('/v1/match')).matches[0].bank, 'DEMO_IMAGES');
  });

  test('running it again reuses the bank instead of failing', async () => {
    const second = await startDemo(demoOptions(directory));
    try {
      const banks = await second.server.services.banks.listBanks();
      assert.deepEqual(
        banks.map((bank) => bank.name),
        ['DEMO_IMAGES'],
      );
      assert.equal(await second.server.services.storage.banks.countSignals('pdq'), 6);
    } finally {
      await second.server.close();
    }
  });
});
