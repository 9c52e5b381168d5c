import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { readSettings } from '../../config/index.js';
import { silentLogger } from '../../logging/index.js';
import { useCliSettings } from '../cli-settings.js';
import { runCli } from '../main.js';
import { serveCommand, serverSettings } from './serve-command.js';

async function run(args: string[], environment: Record<string, string> = {}) {
  const io = captureIo();
  const status = await runCli(args, io, environment);
  return { status, errors: io.errors() };
}

/** The server settings `serve` would start with for `argv` and `environment` (nothing is started). */
function settingsFor(argv: string[], environment: Record<string, string> = {}) {
  useCliSettings(readSettings(environment), silentLogger());
  const command = serveCommand(captureIo());
  command.parseOptions(argv);
  return serverSettings(command.opts() as Parameters<typeof serverSettings>[0]);
}

describe('prevail serve: the extra views of watched streams', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-serve-cli-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  test('--stream-extra-views (repeatable) or PREVAIL_STREAM_EXTRA_VIEWS reach the stream settings; the flag wins', () => {
    assert.equal(settingsFor([]).streams?.extraViews, undefined, 'none by default');
    assert.deepEqual(
      settingsFor(['--stream-extra-views', 'corners', '--stream-extra-views', 'small-insets,corners']).streams
        ?.extraViews,
      ['corners', 'small-insets'],
    );
    assert.deepEqual(settingsFor([], { PREVAIL_STREAM_EXTRA_VIEWS: 'off-centre, corners' }).streams?.extraViews, [
      'off-centre',
      'corners',
    ]);
    assert.deepEqual(
      settingsFor(['--stream-extra-views', 'small-insets'], { PREVAIL_STREAM_EXTRA_VIEWS: 'corners' }).streams
        ?.extraViews,
      ['small-insets'],
    );
  });

  test('hostile values stop serve before it starts (exit 2), naming the setting; nothing is created', async () => {
    const dataDir = join(directory, 'data');
    const serve = ['serve', '--data-dir', dataDir, '--port', '1'];
    const unknownVariable = await run(serve, { PREVAIL_STREAM_EXTRA_VIEWS: 'corners,corner' });
    assert.equal(unknownVariable.status, 2);
    assert.match(
      unknownVariable.errors,
      /CONFIG_INVALID: PREVAIL_STREAM_EXTRA_VIEWS: unknown view "corner" \(expected small-insets, off-centre, corners\)/,
    );
    const nulVariable = await run(serve, { PREVAIL_STREAM_EXTRA_VIEWS: 'corners\u0000' });
    assert.equal(nulVariable.status, 2);
    assert.match(nulVariable.errors, /CONFIG_INVALID: invalid environment: PREVAIL_STREAM_EXTRA_VIEWS=/);
    const hugeVariable = await run(serve, { PREVAIL_STREAM_EXTRA_VIEWS: 'corners,'.repeat(10_000) });
    assert.equal(hugeVariable.status, 2);
    assert.match(hugeVariable.errors, /PREVAIL_STREAM_EXTRA_VIEWS=.*at most 200 characters/);
    for (const value of ['corner', '', ' , ', 'corners\u0000', 'x'.repeat(10_000)]) {
      const flag = await run([...serve, '--stream-extra-views', value]);
      assert.equal(flag.status, 2, `--stream-extra-views ${JSON.stringify(value.slice(0, 20))}`);
      assert.match(flag.errors, /--stream-extra-views: (unknown view|names no view|at most 200 characters)/);
    }
    assert.equal(existsSync(dataDir), false, 'no server started: its data directory was never made');
  });
});
