import { resolve } from 'node:path';
import { Command } from 'commander';
import { createApiKey } from '../../auth/index.js';
import { demoBankName, setUpDemoBank } from '../../demo/index.js';
import { type RunningServer, startServer } from '../../main.js';
import type { CliIo } from '../io.js';
import { runUntilSignal, serverSettings, withServerOptions } from './serve-command.js';

/** The lines `prevail demo` prints: commands that work against the running demo server. */
export function demoInstructions(
  url: string,
  secret: string,
  files: { nearCopy: string; unrelated: string; bankedPdq: string },
): string[] {
  const auth = `-H "Authorization: Bearer ${secret}"`;
  return [
    `Prevail demo running at ${url} with bank ${demoBankName} (6 generated benign pictures).`,
    '',
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

/** Starts the demo server and sets up the demo bank; resolves with the server and the instructions. */
export async function startDemo(
  options: Parameters<typeof serverSettings>[0],
): Promise<{ server: RunningServer; lines: string[] }> {
  const server = await startServer(serverSettings(options));
  try {
    const files = await setUpDemoBank(server.services.banks, resolve(options.dataDir, 'demo-images'));
    const { secret } = await createApiKey(server.services.storage.apiKeys, 'demo', ['read', 'write']);
    return { server, lines: demoInstructions(server.url, secret, files) };
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
        'Runs "prevail serve" on the embedded SQLite store (--data-dir, default ./data), creates the bank DEMO_IMAGES with six generated benign pictures (written with two query pictures to <data-dir>/demo-images), creates an API key, and prints curl commands that work.',
      ),
    5100,
  ).action(async (options: Parameters<typeof serverSettings>[0]) => {
    const { server, lines } = await startDemo(options);
    io.stdout.write(`${lines.join('\n')}\n`);
    await runUntilSignal(server, io);
  });
}
