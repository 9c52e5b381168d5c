import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServices } from '../../src/app/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { hashVideoFrame } from '../../src/streams/index.js';
import { readFrames } from '../../src/video/index.js';
import { actionSecretEnv } from './action-rig.js';
import { makeStreamClip, type StreamClip } from './stream-clip.js';

/** The bank holding the clip's scene (synthetic). */
export const streamActionBank = 'STREAM_ACTION_TEST';

/** The rule that asks for `terminate_stream` when a watched stream shows the banked scene. */
export const streamActionRule = 'stream_shows_banked_scene';

/**
 * Writes a policy whose one active rule hits a `media.matched` event from a stream watcher
 * (`data.source == 'stream'`) that matched the test bank, with the effect `- action:
 * terminate_stream`; `actions.yaml` declares that action (active, kind `terminate_stream`) with a
 * payload naming the stream, its host and the rule, to the endpoint `platform` at `url` (the
 * secret is `actionSecretEnv`'s).
 */
export async function writeStreamActionPolicy(policyDir: string, url: string): Promise<void> {
  await mkdir(join(policyDir, 'rules'), { recursive: true });
  await writeFile(
    join(policyDir, 'rules', 'streams.yaml'),
    `rules:
  - id: ${streamActionRule}
    description: A watched live stream shows a banked scene (synthetic test rule)
    events: [media.matched]
    when: event.data.source == 'stream' && matches.exists(m, m.bank == '${streamActionBank}')
    mode: active
    effects:
      - action: terminate_stream
`,
  );
  await writeFile(
    join(policyDir, 'actions.yaml'),
    `endpoints:
  platform:
    url: ${url}
    secret_env: PREVAIL_ACTION_SECRET_TEST
    timeout_ms: 2000
    concurrency: 4
actions:
  - name: terminate_stream
    kind: terminate_stream
    mode: active
    endpoints: [platform]
    payload:
      stream: "{{entities.stream}}"
      host: "{{entities.user}}"
      rule: "{{rule}}"
`,
  );
}

/**
 * Writes the benign clip (test pattern, a still scene, test pattern; `makeStreamClip`) and banks
 * one hash of its scene in `dataDir`: the scene's most frequent frame hash, as the watcher hashes
 * frames. One banked item means one `media.matched` event per stream per cooldown (the stream
 * pipeline sends one event per banked item per cooldown), so one action per watched stream.
 * Returns the clip and the banked hash.
 */
export async function prepareBankedClip(
  directory: string,
  dataDir: string,
  seconds: { before: number; scene: number; after: number },
): Promise<{ clip: StreamClip; bankedHash: string }> {
  const clip = await makeStreamClip(directory, seconds);
  const counts = new Map<string, number>();
  for await (const frame of readFrames(clip.path, { everyFrame: true })) {
    if (frame.timestamp < clip.sceneStart + 0.1 || frame.timestamp >= clip.sceneEnd - 0.1) continue;
    const { hash, quality } = hashVideoFrame(frame);
    if (quality >= 50) counts.set(hash, (counts.get(hash) ?? 0) + 1);
  }
  const [bankedHash] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (bankedHash === undefined) throw new Error('the clip has no scene frame of quality 50 or more');
  const services = await createServices({ dataDir });
  try {
    await services.banks.createBank({ name: streamActionBank });
    await services.banks.addContent(streamActionBank, {
      signals: { pdq: bankedHash },
      source: 'stream-action-rig',
      category: 'synthetic-scene',
    });
  } finally {
    await services.close();
  }
  return { clip, bankedHash };
}

/**
 * `prevail serve` in this process (`startServer`, the composition root the CLI calls) on
 * 127.0.0.1 and a free port, with the policy's actions (the secret of `actionSecretEnv`), stream
 * watching allowed on 127.0.0.1, and the dispatcher job running; logs at `warn`.
 */
export function startStreamActionServer(dataDir: string, policyDir: string): Promise<RunningServer> {
  return startServer({
    storage: { dataDir, policyDir, actionSecrets: actionSecretEnv },
    host: '127.0.0.1',
    port: 0,
    hmaOpen: false,
    maxUploadBytes: 1024 * 1024,
    fetchPolicy: { maxBytes: 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: false },
    decode: { maxPixels: defaultMaxPixels },
    streams: { policy: { allowedHosts: ['127.0.0.1'] }, stallTimeoutSeconds: 10 },
    logLevel: 'warn',
  });
}
