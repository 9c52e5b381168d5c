import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { createServices, type Services } from '../../app/index.js';
import { EngineError, parseJsonWithin } from '../../core/index.js';
import { defaultIntervalSeconds } from '../../exchange-sync/index.js';
import { generateFeedKey } from '../../exchanges/index.js';
import { cliLogger, cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { positiveInteger, reasonOption } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

/** Largest `--config` or credentials file read, in characters. */
const maxJsonText = 65_536;

/** Reads a JSON object given on the command line (or in a file), bounded in size and depth. */
function jsonObject(what: string, text: string): Record<string, unknown> {
  if (text.length > maxJsonText)
    throw new EngineError('EXCHANGE_INVALID', `${what} is longer than ${maxJsonText} characters`);
  let value: unknown;
  try {
    value = parseJsonWithin(text, 16);
  } catch (error) {
    throw new EngineError('EXCHANGE_INVALID', `${what} is not JSON (${(error as Error).message.slice(0, 100)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EngineError('EXCHANGE_INVALID', `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

async function credentialsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new EngineError(
      'INPUT_NOT_FOUND',
      `cannot read the credentials file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return jsonObject('the credentials file', text);
}

/** Opens the services an exchange command needs (no match indexes, no engine). */
async function withExchanges<T>(options: StorageCliOptions, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(storageSettings(options), {
    loadIndexes: false,
    logger: cliLogger(),
    exchanges: { evidenceKey: cliSettings().evidenceKey, evidenceKeys: cliSettings().evidenceKeys },
  });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/**
 * `prevail exchange add|list|fetch|status|feedback|remove|credentials|rotate-credentials|kinds|feed-keygen`:
 * manage the upstream hash lists Prevail keeps in banks. Each exchange has a kind (`file`, `url`,
 * `prevail`…), a configuration, an interval and a bank of its own name; `prevail serve` fetches
 * every enabled exchange when its interval has passed, and `fetch` runs one now. Credentials are
 * read from a file (never the command line, which shells keep), sealed with the key ring
 * (`PREVAIL_EVIDENCE_KEYS`) and never printed.
 */
export function exchangeCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const print = (value: unknown): void => {
    io.stdout.write(`${JSON.stringify(value)}\n`);
  };
  const exchange = new Command('exchange')
    .summary('keep banks equal to upstream hash lists (files, URLs, other Prevails…): add, fetch, status')
    .description(
      'An exchange is an upstream hash list kept in a bank of the same name. "prevail serve" fetches\n' +
        'each enabled exchange when its interval has passed (one fetcher per exchange across processes);\n' +
        '"prevail exchange fetch" runs one now. Every page is committed with its checkpoint, so a crash\n' +
        'resumes without loss. Values withdrawn upstream are deleted from the bank. A fetch run here is\n' +
        "seen by a running server's matcher only after that server restarts: fetch from the server\n" +
        '(its job) for changes to match within a second. See docs/exchanges.md.',
    );
  const sub = (name: string, summary: string) => withStorageOptions(new Command(name)).summary(summary);

  exchange.addCommand(
    sub('add', 'create an exchange and its bank (same name)')
      .argument('<name>', 'the exchange and bank name, UPPER_WITH_UNDERSCORE')
      .requiredOption(
        '--kind <kind>',
        'file, url, prevail, ncmec, stopncii or threatexchange (see "prevail exchange kinds")',
      )
      .option(
        '--config <json>',
        'the kind\'s configuration as a JSON object, e.g. \'{"path":"/srv/lists/a.txt"}\'',
        '{}',
      )
      .option(
        '--interval <seconds>',
        'seconds between fetches (10 to 2592000)',
        positiveInteger,
        defaultIntervalSeconds,
      )
      .option('--disabled', 'create it without fetching it on schedule')
      .option('--credentials-file <file>', 'a JSON file with the credentials (sealed with PREVAIL_EVIDENCE_KEYS)')
      .action(
        async (
          name: string,
          options: StorageCliOptions & {
            kind: string;
            config: string;
            interval: number;
            disabled?: boolean;
            credentialsFile?: string;
          },
        ) =>
          withExchanges(options, async ({ exchanges }) => {
            const config = jsonObject('--config', options.config);
            const credentials =
              options.credentialsFile === undefined ? undefined : await credentialsFile(options.credentialsFile);
            const created = await exchanges.add({
              name,
              kind: options.kind,
              config,
              intervalSeconds: options.interval,
              enabled: options.disabled !== true,
            });
            if (credentials !== undefined) {
              try {
                await exchanges.setCredentials({ exchange: name }, credentials);
              } catch (error) {
                await exchanges.remove(name);
                throw error;
              }
            }
            print(created);
          }),
      ),
  );
  exchange.addCommand(
    sub('list', 'list exchanges (name, kind, configuration, enabled, interval; never credentials)').action(
      async (options: StorageCliOptions) =>
        withExchanges(options, async ({ exchanges }) => print(await exchanges.list())),
    ),
  );
  exchange.addCommand(
    sub('fetch', 'fetch one exchange now, from its committed checkpoint; exit 1 when it fails')
      .argument('<name>', 'the exchange')
      .option('--time-box <seconds>', 'stop after this long (what was fetched is committed)', positiveInteger)
      .action(async (name: string, options: StorageCliOptions & { timeBox?: number }) => {
        const services = await createServices(storageSettings(options), {
          loadIndexes: false,
          logger: cliLogger(),
          exchanges: {
            evidenceKey: cliSettings().evidenceKey,
            evidenceKeys: cliSettings().evidenceKeys,
            ...(options.timeBox === undefined ? {} : { fetch: { timeBoxMs: options.timeBox * 1000 } }),
          },
        });
        try {
          print(await services.exchanges.fetch(name));
        } catch (error) {
          if (!(error instanceof EngineError)) throw error;
          io.stderr.write(`prevail: ${error.code}: ${error.message}\n`);
          setExitCode(1);
        } finally {
          await services.close();
        }
      }),
  );
  exchange.addCommand(
    sub('status', 'the committed checkpoint and what the last fetches did')
      .argument('<name>', 'the exchange')
      .action(async (name: string, options: StorageCliOptions) =>
        withExchanges(options, async ({ exchanges }) => print(await exchanges.status(name))),
      ),
  );
  exchange.addCommand(
    sub('feedback', "send a reviewer's verdict on an exchange's item upstream (NCMEC, StopNCII, ThreatExchange)")
      .argument('<name>', 'the exchange')
      .argument('<key>', "the item's upstream key (a match's provenance key, e.g. 101-e7 or pdq:<hex>)")
      .requiredOption('--verdict <verdict>', 'true_positive or false_positive')
      .requiredOption('--reason <why>', 'why (recorded in the audit log; not sent)', reasonOption)
      .option('--actor <name>', 'who decided (recorded in the audit log)', cliSettings().actor)
      .option('--signal-type <type>', "which of the item's signals (default its first)")
      .option('--upstream-reason <id>', 'a reason the API takes (NCMEC: a feedback reason GUID)')
      .action(
        async (
          name: string,
          key: string,
          options: StorageCliOptions & {
            verdict: string;
            reason: string;
            actor: string;
            signalType?: string;
            upstreamReason?: string;
          },
        ) =>
          withExchanges(options, async ({ exchanges, audit }) => {
            if (options.verdict !== 'true_positive' && options.verdict !== 'false_positive') {
              throw new EngineError('REQUEST_INVALID', '--verdict must be true_positive or false_positive');
            }
            const input = {
              exchange: name,
              key,
              verdict: options.verdict,
              signalType: options.signalType,
              reason: options.upstreamReason,
            } as const;
            const entry = (outcome: string) => ({
              actor: `person:${options.actor}`,
              action: 'exchange.feedback',
              subject: `exchange:${name}`,
              reason: options.reason,
              detail: { key, verdict: options.verdict, signalType: options.signalType ?? null, outcome },
            });
            try {
              const sent = await exchanges.sendFeedback(input);
              await audit.record(entry('sent'));
              print({ sent: true, ...sent });
            } catch (error) {
              await audit.record(entry(error instanceof EngineError ? error.code : 'failed'));
              throw error;
            }
          }),
      ),
  );
  exchange.addCommand(
    sub('remove', 'remove an exchange with its bank, content and credentials')
      .argument('<name>', 'the exchange')
      .action(async (name: string, options: StorageCliOptions) =>
        withExchanges(options, async ({ exchanges }) => {
          const removed = await exchanges.remove(name);
          if (!removed) setExitCode(1);
          print({ removed });
        }),
      ),
  );
  exchange.addCommand(
    sub('credentials', "set or clear an exchange's credentials (read from a JSON file, sealed, never printed)")
      .argument('<name>', 'the exchange')
      .option('--file <file>', 'a JSON file with the credentials, e.g. {"api_key": "…"}')
      .option('--clear', 'remove them')
      .action(async (name: string, options: StorageCliOptions & { file?: string; clear?: boolean }) =>
        withExchanges(options, async ({ exchanges }) => {
          if ((options.file === undefined) === (options.clear !== true)) {
            throw new EngineError('EXCHANGE_INVALID', 'give exactly one of --file and --clear');
          }
          await exchanges.setCredentials(
            { exchange: name },
            options.file === undefined ? null : await credentialsFile(options.file),
          );
          print({ exchange: name, credentials: options.file === undefined ? 'cleared' : 'set' });
        }),
      ),
  );
  exchange.addCommand(
    sub(
      'rotate-credentials',
      "reseal every stored exchange credential with the key ring's current key (keep the old key in PREVAIL_EVIDENCE_KEYS until this has run)",
    ).action(async (options: StorageCliOptions) =>
      withExchanges(options, async ({ exchanges }) => print(await exchanges.rotateCredentials())),
    ),
  );
  exchange.addCommand(
    sub('kinds', 'the installed exchange kinds and their configuration and credential fields').action(
      async (options: StorageCliOptions) =>
        withExchanges(options, async ({ exchanges }) =>
          print(
            exchanges.kinds.list().map((kind) => ({
              kind: kind.kind,
              hmaName: kind.hmaName ?? kind.kind,
              description: kind.description,
              config: kind.configFields,
              credentials: kind.credentialFields,
            })),
          ),
        ),
    ),
  );
  exchange.addCommand(
    new Command('feed-keygen')
      .summary(
        'make an Ed25519 key to publish exchange feeds with: set PREVAIL_EXCHANGE_FEED_KEY, give subscribers the public key',
      )
      .action(() => print(generateFeedKey())),
  );
  return exchange;
}
