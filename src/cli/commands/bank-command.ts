import { Command, InvalidArgumentError } from 'commander';
import { createServices, type Services } from '../../app/index.js';
import {
  type BankRecord,
  type BankService,
  type ContentRecord,
  checkContent,
  summariseSignals,
} from '../../banks/index.js';
import { defaultMaxPixels } from '../../content/index.js';
import { EngineError, toEngineError } from '../../core/index.js';
import { extraVideoViewNames, optionalVideoSignalNames, signalTypes } from '../../signals/index.js';
import {
  commandFetchPolicy,
  defaultInputMaxBytes,
  expandInputs,
  hashInputPath,
  loadInputBytes,
} from '../expand-inputs.js';
import type { CliIo } from '../io.js';
import { commaList, positiveInteger } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';
import { exportCommand, importCommand } from './bank-transfer-commands.js';

/** Opens the store (without loading match indexes), runs `work`, closes it. */
export async function withBanks<T>(options: StorageCliOptions, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(storageSettings(options), { loadIndexes: false });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

function ratio(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError('expected a number from 0 to 1');
  return parsed;
}

function threshold(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 128)
    throw new InvalidArgumentError('expected a whole number from 0 to 128');
  return parsed;
}

/** `--hash type:value` pairs for `bank add`. */
function typedHash(value: string, previous: Record<string, string>[] = []): Record<string, string>[] {
  const separator = value.indexOf(':');
  if (separator <= 0) throw new InvalidArgumentError('expected <signal_type>:<value>, e.g. pdq:f8f8…');
  return [...previous, { [value.slice(0, separator)]: value.slice(separator + 1) }];
}

function bankLine(bank: BankRecord): string {
  return JSON.stringify(bank);
}

/**
 * An item as `bank show` and `bank add` print it: values longer than `largestShownSignalLength`
 * (a video's 351 KB `tmk_pdqf`) under `largeSignals` as their SHA-256 and length, as `/v1`
 * answers; `bank signals <id>` prints them whole.
 */
function contentSummary(content: ContentRecord) {
  return { ...content, ...summariseSignals(content.signals) };
}

/**
 * `--video-views corners`, `--video-signals tmk_pdqf` (comma-separated; `none` for none): passed
 * on as given, so the bank service checks them as it checks the API's (`BANK_INVALID_SETTINGS`).
 */
function settingNames(value: string): string[] {
  return value.trim() === 'none' ? [] : commaList(value);
}

interface BankSettingsOptions {
  description?: string;
  enabledRatio?: number;
  pdqThreshold?: number;
  negative?: boolean;
  videoViews?: string[];
  videoSignals?: string[];
}

function settingsOf(options: BankSettingsOptions) {
  return {
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.enabledRatio !== undefined ? { enabledRatio: options.enabledRatio } : {}),
    ...(options.pdqThreshold !== undefined ? { pdqThreshold: options.pdqThreshold } : {}),
    ...(options.negative !== undefined ? { negative: options.negative } : {}),
    ...(options.videoViews !== undefined ? { videoViews: options.videoViews } : {}),
    ...(options.videoSignals !== undefined ? { videoSignals: options.videoSignals } : {}),
  };
}

function withSettingsOptions(command: Command): Command {
  return command
    .option('--description <text>', 'what the bank holds')
    .option('--enabled-ratio <r>', 'share of lookups that consult the bank, 0..1 (default 1)', ratio)
    .option('--pdq-threshold <d>', 'largest PDQ distance that matches in this bank (default 31)', threshold)
    .option(
      '--video-views <names>',
      `extra views of the videos added afterwards: ${extraVideoViewNames.join(', ')} (corners: four corners, 45 % of each side, in their vpdq_dense, for scaled-down streams under an overlay, 85-280 % more banked frames), or none (the default)`,
      settingNames,
    )
    .option(
      '--video-signals <names>',
      `signals beyond the usual ones for the videos added afterwards: ${optionalVideoSignalNames.join(', ')} (tmk_pdqf: TMK+PDQF, for sped-up or shifted re-uploads, one more ffmpeg pass and 351 KB per video), or none (the default)`,
      settingNames,
    );
}

interface AddOptions extends StorageCliOptions {
  hash?: Record<string, string>[];
  note?: string;
  source?: string;
  externalId?: string;
  category?: string;
  allowPrivate: boolean;
}

async function addInputs(
  banks: BankService,
  name: string,
  inputs: string[],
  options: AddOptions,
  io: CliIo,
): Promise<number> {
  const details = {
    ...(options.note !== undefined ? { note: options.note } : {}),
    ...(options.source !== undefined ? { source: options.source } : { source: 'manual' }),
    ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
    ...(options.category !== undefined ? { category: options.category } : {}),
  };
  let failures = 0;
  const report = (path: string, work: () => Promise<ContentRecord>) =>
    work().then(
      (content) => io.stdout.write(`${JSON.stringify({ path, content: contentSummary(content) })}\n`),
      (error: unknown) => {
        failures++;
        io.stdout.write(`${JSON.stringify({ path, error: toEngineError(error).toJSON() })}\n`);
      },
    );
  for (const signals of options.hash ?? []) {
    const [type = '', value = ''] = Object.entries(signals)[0] ?? [];
    await report(hashInputPath(type, value), () => banks.addContent(name, checkContent({ ...details, signals })));
  }
  for (const input of await expandInputs(inputs)) {
    await report(input.location, async () => {
      const bytes = await loadInputBytes(input, defaultInputMaxBytes, commandFetchPolicy(options.allowPrivate));
      return banks.addMedia(name, bytes, { maxPixels: defaultMaxPixels }, { ...details, contentUri: input.location });
    });
  }
  return failures;
}

/** `prevail bank …`: manage hash banks from the command line. */
export function bankCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const bank = new Command('bank').summary('create, change, fill, import and export hash banks');
  const write = (line: string) => io.stdout.write(`${line}\n`);

  bank.addCommand(
    withSettingsOptions(withStorageOptions(new Command('create')))
      .summary('create a bank')
      .argument('<name>', 'UPPER_WITH_UNDERSCORES, e.g. KNOWN_IMAGES')
      .option('--negative', 'a negative bank: its matches suppress matches in other banks', false)
      .action(async (name: string, options: StorageCliOptions & BankSettingsOptions) =>
        withBanks(options, async ({ banks }) => {
          write(bankLine(await banks.createBank({ name, ...settingsOf(options) })));
        }),
      ),
  );
  bank.addCommand(
    withStorageOptions(new Command('list'))
      .summary('list banks, one JSON line each')
      .action(async (options: StorageCliOptions) =>
        withBanks(options, async ({ banks }) => {
          for (const record of await banks.listBanks()) write(bankLine(record));
        }),
      ),
  );
  bank.addCommand(
    withStorageOptions(new Command('show'))
      .summary('show a bank, its size and its first items')
      .argument('<name>')
      .option('--limit <n>', 'items to list', positiveInteger, 20)
      .action(async (name: string, options: StorageCliOptions & { limit: number }) =>
        withBanks(options, async ({ banks, storage }) => {
          const record = await banks.getBank(name);
          const sizes: Record<string, number> = {};
          for (const { name: type } of signalTypes) sizes[type] = await storage.banks.countSignals(type, record.id);
          write(JSON.stringify({ ...record, signals: sizes }));
          for (const content of await banks.listContent(name, { limit: options.limit })) {
            write(JSON.stringify(contentSummary(content)));
          }
        }),
      ),
  );
  bank.addCommand(
    withStorageOptions(new Command('signals'))
      .summary("print one item's signals, every value in full (show and add summarise long ones)")
      .argument('<content-id>', 'the item id', positiveInteger)
      .action(async (id: number, options: StorageCliOptions) =>
        withBanks(options, async ({ banks, storage }) => {
          const content = await banks.getContent(id);
          const bankName = (await storage.banks.getBankById(content.bankId))?.name ?? '';
          write(JSON.stringify({ id: content.id, bank: bankName, signals: content.signals }));
        }),
      ),
  );
  bank.addCommand(
    withSettingsOptions(withStorageOptions(new Command('update')))
      .summary('change a bank: rename, ratio, threshold, negative, video views and signals')
      .argument('<name>')
      .option('--rename <new-name>', 'new name')
      .option('--negative', 'make it a negative bank')
      .option('--no-negative', 'make it an ordinary bank')
      .action(async (name: string, options: StorageCliOptions & BankSettingsOptions & { rename?: string }) =>
        withBanks(options, async ({ banks }) => {
          const patch = { ...settingsOf(options), ...(options.rename !== undefined ? { name: options.rename } : {}) };
          if (Object.keys(patch).length === 0)
            throw new EngineError('CONFIG_INVALID', 'nothing to change: give at least one option');
          write(bankLine(await banks.updateBank(name, patch)));
        }),
      ),
  );
  bank.addCommand(
    withStorageOptions(new Command('delete'))
      .summary('delete a bank and all its content')
      .argument('<name>')
      .requiredOption('--yes', 'confirm: the bank and its content are deleted for good')
      .action(async (name: string, options: StorageCliOptions) =>
        withBanks(options, async ({ banks }) => {
          const result = await banks.deleteBank(name);
          if (!result.deleted) throw new EngineError('BANK_NOT_FOUND', `bank '${name}' not found`);
          write(JSON.stringify({ bank: name, ...result }));
        }),
      ),
  );
  bank.addCommand(
    withStorageOptions(new Command('add'))
      .summary('add images (files, directories, URLs) or hashes to a bank')
      .description(
        'Adds each image as one item with its PDQ, MD5 and SHA-256 (the image itself is not stored), and each --hash as one item. One JSON line per input; exit status 1 if any failed.',
      )
      .argument('<name>', 'the bank')
      .argument('[inputs...]', 'image files, directories or http(s) URLs')
      .option('--hash <type:value>', 'add a hash, e.g. pdq:f8f8… or md5:… (repeatable)', typedHash)
      .option('--note <text>', 'a note on every item added (≤ 255 characters)')
      .option('--source <name>', 'where the items came from (default manual)')
      .option('--external-id <id>', 'their id at the source')
      .option('--category <label>', "the source's category")
      .option('--allow-private', 'allow URLs on private addresses', false)
      .action(async (name: string, inputs: string[], options: AddOptions) =>
        withBanks(options, async ({ banks }) => {
          if (inputs.length === 0 && (options.hash ?? []).length === 0) {
            throw new EngineError('CONFIG_INVALID', 'give images, directories or URLs to add, or --hash type:value');
          }
          await banks.getBank(name);
          setExitCode((await addInputs(banks, name, inputs, options, io)) > 0 ? 1 : 0);
        }),
      ),
  );
  bank.addCommand(importCommand(io, setExitCode));
  bank.addCommand(exportCommand(io));
  return bank;
}
