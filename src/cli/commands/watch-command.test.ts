import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import {
  bankedHash,
  type ScriptedSession,
  scene,
  sceneHasher,
  scriptedSource,
} from '../../../test/support/fake-frames.js';
import { createServices } from '../../app/index.js';
import type { FrameSource } from '../../streams/index.js';
import { type WatchCommandDependencies, watchCommand } from './watch-command.js';

const { pattern, banked, flat } = scene;

/** Runs the command; with the scene hasher unless `realHasher` (the command's own frame hasher). */
async function run(args: string[], dependencies: WatchCommandDependencies = {}, realHasher = false) {
  const io = captureIo();
  let status = -1;
  const command = watchCommand(
    io,
    (code) => {
      status = code;
    },
    realHasher ? dependencies : { hashFrame: sceneHasher, ...dependencies },
  ).exitOverride();
  command.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  let thrown: unknown;
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (error) {
    thrown = error;
  }
  const lines = io
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status, lines, output: io.output(), errors: io.errors(), thrown };
}

describe('prevail watch', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prevail-watch-'));
    const services = await createServices({ dataDir });
    await services.banks.createBank({ name: 'TEST_BANK' });
    await services.banks.createBank({ name: 'OTHER_BANK' });
    await services.banks.addContent('TEST_BANK', { signals: { pdq: bankedHash }, externalId: 'scene-1' });
    await services.close();
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  /** Scripted frames, hashed by their scene code (the real PDQ of frames is tested in src/streams). */
  const withSceneHashes = (sessions: readonly ScriptedSession[]): FrameSource => scriptedSource(sessions).source;

  test('prints matches and the end as JSON lines, exits 0 at the end of a file', async () => {
    const readFrames = withSceneHashes([{ scenes: [pattern, banked, banked, pattern, flat] }]);
    const { status, lines } = await run(['/videos/test.mp4', '--data-dir', dataDir], { readFrames });
    assert.equal(status, 0);
    assert.deepEqual(
      lines.map((line) => line.type),
      ['match', 'match', 'ended'],
    );
    const [first] = lines;
    assert.equal(first?.t, 1);
    assert.equal((first?.matches as { bank: string }[] | undefined)?.[0]?.bank, 'TEST_BANK');
    assert.equal(first?.event, null, 'no --events: nothing sent to the engine');
    assert.deepEqual(lines.at(-1), {
      type: 'ended',
      t: 4,
      frames: 5,
      reason: 'end of file',
      state: 'ended',
      dropped: 0,
      matches: 2,
      reconnects: 0,
    });
  });

  test('--debug adds frame lines; --bank limits the banks', async () => {
    const readFrames = withSceneHashes([{ scenes: [pattern, banked] }]);
    const debug = await run(['/videos/test.mp4', '--data-dir', dataDir, '--debug'], { readFrames });
    assert.deepEqual(
      debug.lines.filter((line) => line.type === 'frame').map((line) => line.matched),
      [false, true],
    );
    const other = await run(['/videos/test.mp4', '--data-dir', dataDir, '--bank', 'OTHER_BANK'], {
      readFrames: withSceneHashes([{ scenes: [pattern, banked] }]),
    });
    assert.deepEqual(
      other.lines.map((line) => line.type),
      ['ended'],
    );
  });

  test('--events sends one media.matched event per item per cooldown into the engine', async () => {
    const readFrames = withSceneHashes([{ scenes: [banked, banked, banked] }]);
    const { status, lines } = await run(
      ['/videos/test.mp4', '--data-dir', dataDir, '--events', '--stream-entity', 'room-9', '--user', 'host-9'],
      { readFrames },
    );
    assert.equal(status, 0);
    const matches = lines.filter((line) => line.type === 'match');
    assert.equal(matches.length, 3);
    assert.equal(matches.filter((line) => line.event !== null).length, 1);
    const services = await createServices({ dataDir }, { loadIndexes: false });
    try {
      const events = await services.storage.engine.events.readAfter(0, 100);
      const sent = events.filter((event) => event.id === matches[0]?.event);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.type, 'media.matched');
      assert.deepEqual(sent[0]?.entities, { stream: 'room-9', user: 'host-9' });
    } finally {
      await services.close();
    }
  });

  test('exits 1 when the source fails; stops cleanly on interrupt with exit 0', async () => {
    const failed = await run(['/videos/missing.mp4', '--data-dir', dataDir], {
      readFrames: withSceneHashes([{ scenes: [], failWith: 'VIDEO_UNREADABLE' }]),
    });
    assert.equal(failed.status, 1);
    assert.equal(failed.lines.at(-1)?.state, 'failed');
    assert.match(String(failed.lines.at(-1)?.reason), /VIDEO_UNREADABLE/);

    const interrupt = new AbortController();
    const hanging = withSceneHashes([{ scenes: [pattern], hang: true }]);
    const running = run(['rtmp://127.0.0.1:1/live/test', '--data-dir', dataDir], {
      readFrames: (url, options) => {
        setTimeout(() => interrupt.abort(), 50);
        return hanging(url, options);
      },
      interrupt: interrupt.signal,
    });
    const stopped = await running;
    assert.equal(stopped.status, 0);
    assert.deepEqual(stopped.lines.at(-1)?.reason, 'interrupted');
    assert.equal(stopped.lines.at(-1)?.state, 'stopped');
  });

  test('--duration stops the watch', async () => {
    const { status, lines } = await run(['rtmp://127.0.0.1:1/live/test', '--data-dir', dataDir, '--duration', '0.05'], {
      readFrames: withSceneHashes([{ scenes: [pattern], hang: true }]),
    });
    assert.equal(status, 0);
    assert.equal(lines.at(-1)?.reason, 'duration reached');
  });

  test('--extra-views turns on views that are off by default; an unknown view is refused', async () => {
    const unknown = await run(['/videos/test.mp4', '--data-dir', dataDir, '--extra-views', 'small-insets,corner']);
    assert.equal((unknown.thrown as { code?: string }).code, 'commander.invalidArgument');
    assert.match(unknown.errors, /unknown view "corner" \(expected small-insets, off-centre, corners\)/);
    // The real frame hasher (no scene hasher) with the extra views: 4×4 frames hash to nothing that
    // matches, and the watch goes to the end of the file.
    const readFrames = withSceneHashes([{ scenes: [pattern, banked, flat] }]);
    const { status, lines } = await run(
      [
        '/videos/test.mp4',
        '--data-dir',
        dataDir,
        '--extra-views',
        'small-insets',
        '--extra-views',
        'off-centre,corners',
      ],
      { readFrames },
      true,
    );
    assert.equal(status, 0);
    assert.deepEqual(
      lines.map((line) => [line.type, line.frames, line.matches]),
      [['ended', 3, 0]],
    );
  });

  test('--help explains the output; schemes ffmpeg should not open are refused', async () => {
    const help = await run(['--help']);
    assert.match(help.output, /"type":"match"/);
    assert.match(help.output, /Exit status/);
    const badCount = await run(['/videos/test.mp4', '--data-dir', dataDir, '--max-reconnects', '1.5']);
    assert.equal((badCount.thrown as { code?: string }).code, 'commander.invalidArgument');
    const badRate = await run(['/videos/test.mp4', '--data-dir', dataDir, '--fps', '0']);
    assert.equal((badRate.thrown as { code?: string }).code, 'commander.invalidArgument');
    const refused = await run(['concat:a.mp4|b.mp4', '--data-dir', dataDir]);
    assert.equal((refused.thrown as { code?: string }).code, 'URL_INVALID');
  });
});
