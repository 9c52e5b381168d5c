import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { createApiKey } from '../../auth/index.js';
import { EngineError } from '../../core/index.js';
import {
  type ConsoleDemoSeed,
  type DemoLogin,
  demoBankName,
  seedConsoleDemo,
  setUpDemoBank,
  writeDemoPolicy,
} from '../../demo/index.js';
import { type RunningServer, startServer } from '../../main.js';
import type { CliIo } from '../io.js';
import { runUntilSignal, serverSettings, withServerOptions } from './serve-command.js';

/** The lines `prevail demo` prints: commands that work against the running demo server. */
export function demoInstructions(
  url: string,
  secret: string,
  files: { nearCopy: string; unrelated: string; bankedPdq: string },
  logins: readonly DemoLogin[] = [],
): string[] {
  const auth = `-H "Authorization: Bearer ${secret}"`;
  const width = Math.max(0, ...logins.map((person) => person.login.length));
  const consoleLines =
    logins.length === 0
      ? []
      : [
          `Review console: ${url}/console/   (4 demo cases: a hash match, a stream match, a payments case, an imminent-harm case)`,
          'Sign in as (passwords are new on every run of "prevail demo"):',
          ...logins.map(
            (person) => `  ${person.login.padEnd(width)}  ${person.password}  (${person.roles.join(', ')})`,
          ),
          '',
        ];
  return [
    `Prevail demo running at ${url} with bank ${demoBankName} (6 generated benign pictures).`,
    '',
    ...consoleLines,
    'Try (HMA-compatible routes are open on loopback):',
    `  curl ${url}/status`,
    `  curl -F photo=@${files.nearCopy} ${url}/m/lookup          # a resized copy: matches`,
    `  curl -F photo=@${files.unrelated} ${url}/m/lookup           # not banked: {"pdq":{}}`,
    `  curl "${url}/m/lookup?signal_type=pdq&signal=${files.bankedPdq}"`,
    `  curl ${url}/c/banks`,
    '',
    `Prevail's own API (key created for this demo, scopes read+write):`,
    `  curl ${auth} -F file=@${files.nearCopy} ${url}/v1/match`,
    `  curl ${auth} ${url}/v1/banks`,
    `  curl ${auth} ${url}/v1/banks/${demoBankName}/content`,
    '',
    `API reference: ${url}/docs   OpenAPI: ${url}/openapi.json   Metrics: curl ${auth} ${url}/metrics`,
    'Stop with Ctrl-C.',
  ];
}

/**
 * The demo's evidence key: `PREVAIL_EVIDENCE_KEY` when set, else one generated once and kept in
 * `<data dir>/demo-evidence-key` (mode 0600) so the vault stays readable across runs. A demo key
 * kept beside the data protects nothing: it is for generated benign pictures only.
 */
async function demoEvidenceKey(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return configured;
  const file = join(dataDir, 'demo-evidence-key');
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  if (kept !== undefined && /^[0-9a-f]{64}$/i.test(kept)) return kept;
  const key = randomBytes(32).toString('hex');
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/**
 * The demo's server settings: the serve settings, with the demo policy (written to
 * `<data dir>/demo-policy`) unless `--policy` names one, and evidence preservation on in
 * `<data dir>/demo-evidence` unless `--stream-evidence-dir` names a directory: the seed keeps its
 * pictures in the vault.
 */
async function demoSettings(options: Parameters<typeof serverSettings>[0]) {
  await mkdir(options.dataDir, { recursive: true });
  const policy =
    options.policy === undefined || options.policy === ''
      ? await writeDemoPolicy(resolve(options.dataDir, 'demo-policy'))
      : options.policy;
  const settings = serverSettings({ ...options, policy });
  const streams = settings.streams ?? {};
  const evidenceDirectory = streams.evidenceDirectory ?? resolve(options.dataDir, 'demo-evidence');
  const evidenceKey = await demoEvidenceKey(options.dataDir, streams.evidenceKey);
  return { ...settings, streams: { ...streams, evidenceDirectory, evidenceKey } };
}

/**
 * Starts the demo server, sets up the demo bank and seeds the review console (people, cases);
 * resolves with the server, the seed and the instructions.
 */
export async function startDemo(
  options: Parameters<typeof serverSettings>[0],
): Promise<{ server: RunningServer; lines: string[]; seed: ConsoleDemoSeed }> {
  const server = await startServer(await demoSettings(options));
  try {
    const files = await setUpDemoBank(server.services.banks, resolve(options.dataDir, 'demo-images'));
    const { engine, evidence } = server.services;
    if (engine === undefined || evidence === undefined)
      throw new EngineError('INTERNAL', 'the demo server has no engine or no evidence vault');
    const seed = await seedConsoleDemo({
      banks: server.services.banks,
      people: server.services.people,
      engine: engine.engine,
      cases: server.services.storage.engine.cases,
      evidence,
    });
    const { secret } = await createApiKey(server.services.storage.apiKeys, 'demo', ['read', 'write']);
    return { server, seed, lines: demoInstructions(server.url, secret, files, seed.people) };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** `prevail demo`: the server on the embedded default with a demo bank, and what to try. */
export function demoCommand(io: CliIo): Command {
  return withServerOptions(
    new Command('demo')
      .summary('start the server with a demo bank of generated benign pictures and print what to try')
      .description(
        'Runs "prevail serve" on the embedded SQLite store (--data-dir, default ./data), creates the bank DEMO_IMAGES with six generated benign pictures (written with two query pictures to <data-dir>/demo-images), creates an API key, seeds the review console (five people, one per role, with new passwords on every run, and four cases from synthetic events: a hash match, a stream match, a payments case, an imminent-harm case; pictures kept in an evidence vault under <data-dir>/demo-evidence, policy written to <data-dir>/demo-policy unless --policy is given), and prints the console URL, the logins and curl commands that work.',
      ),
    5100,
  ).action(async (options: Parameters<typeof serverSettings>[0]) => {
    const { server, lines } = await startDemo(options);
    io.stdout.write(`${lines.join('\n')}\n`);
    await runUntilSignal(server, io);
  });
}
