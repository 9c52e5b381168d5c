import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { EngineError, parseJsonWithin } from '../../core/index.js';
import type { SignalsEngine } from '../../engine/index.js';
import { packFileMaxBytes as payerModelFileMaxBytes } from '../../packs/index.js';
import {
  detectPaymentFormat,
  type PayerModel,
  type PaymentEventInput,
  type PaymentFormat,
  parsePayerModel,
  paymentFormats,
  readPaymentsFile,
  validatePaymentsFile,
} from '../../payments/index.js';
import type { CliIo } from '../io.js';
import { startProgress } from '../progress.js';

/**
 * What the payments subcommands share about reading a payments file: its format (given or
 * detected), whole-file validation before anything is applied, batches with a progress bar, JSONL
 * side files (labels, alerts) and the `--config` YAML.
 */

export interface FormatOptions {
  readonly format?: PaymentFormat;
  readonly progress: boolean;
}

export const formatOption = () =>
  new Option('--format <format>', 'input format (default: detected from the content)').choices([...paymentFormats]);

/**
 * Validates the whole file (so a bad message applies nothing) and returns its format, its payment
 * count and a progress bar over its batches of 1,000. With `engine`, each payment's event must
 * also pass every check the engine applies when it stores events.
 */
export async function prepare(file: string, options: FormatOptions, io: CliIo, label: string, engine?: SignalsEngine) {
  const format = options.format ?? (await detectFileFormat(file));
  const checkEvent =
    engine === undefined
      ? undefined
      : (event: PaymentEventInput) => {
          const check = engine.check(event);
          return check.ok ? [] : check.problems;
        };
  const { count } = await validatePaymentsFile(file, format, checkEvent === undefined ? {} : { checkEvent });
  const progress = startProgress(
    Math.max(1, Math.ceil(count / 1000)),
    options.progress && io.stderr.isTTY === true,
    io.stderr,
    label,
  );
  return { format, count, progress };
}

/** The format of a file from its first 64 KiB. */
export async function detectFileFormat(file: string): Promise<PaymentFormat> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EngineError('INPUT_NOT_FOUND', `no such file: ${file}`);
    throw new EngineError('INPUT_UNREADABLE', `cannot read ${file}`, { cause: error });
  }
  try {
    const buffer = Buffer.alloc(65_536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return detectPaymentFormat(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** The batches of an already validated file, ticking `progress` per batch. */
export async function* batchesOf(file: string, format: PaymentFormat, progress: { tick(): void }) {
  for await (const batch of readPaymentsFile(file, format)) {
    progress.tick();
    yield batch;
  }
}

export async function readJsonLines<T>(file: string): Promise<T[]> {
  const values: T[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === '') continue;
    try {
      values.push(JSON.parse(text) as T);
    } catch {
      throw new EngineError('INPUT_UNREADABLE', `${file}:${line}: not valid JSON`);
    }
  }
  return values;
}

export async function readPackSettings(
  file: string | undefined,
): Promise<{ settings?: unknown; rules?: Record<string, never>; payerModel?: { model: PayerModel } }> {
  if (file === undefined) return {};
  const parsed = parseYaml(await readFile(file, 'utf8')) as {
    packs?: { ocse_payments?: { settings?: unknown } };
    builtin_rules?: Record<string, never>;
  } | null;
  const settings = parsed?.packs?.ocse_payments?.settings;
  // `payer_model_file` is relative to the YAML file here, as it is to the policy directory there.
  const modelPath =
    typeof settings === 'object' && settings !== null
      ? (settings as { payer_model_file?: unknown }).payer_model_file
      : undefined;
  let packSettings = settings;
  let payerModel: { model: PayerModel } | undefined;
  if (modelPath !== undefined) {
    if (typeof modelPath !== 'string' || modelPath === '') {
      throw new EngineError('CONFIG_INVALID', `${file}: payer_model_file must be a path`);
    }
    const { payer_model_file: _named, ...rest } = settings as Record<string, unknown>;
    packSettings = rest;
    payerModel = { model: await readPayerModelFile(resolve(dirname(file), modelPath)) };
  }
  return {
    ...(packSettings === undefined ? {} : { settings: packSettings }),
    ...(parsed?.builtin_rules === undefined ? {} : { rules: parsed.builtin_rules }),
    ...(payerModel === undefined ? {} : { payerModel }),
  };
}

/**
 * A trained payer model from its JSON file (`prevail payments train --out`).
 * @throws EngineError INPUT_NOT_FOUND, INPUT_UNREADABLE (not JSON), CONFIG_INVALID (not a model).
 */
export async function readPayerModelFile(file: string): Promise<PayerModel> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > payerModelFileMaxBytes) {
      throw new EngineError(
        'INPUT_UNREADABLE',
        `${file} is ${size} bytes; a payer model is at most ${payerModelFileMaxBytes}`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof EngineError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EngineError('INPUT_NOT_FOUND', `no such file: ${file}`);
    throw new EngineError('INPUT_UNREADABLE', `cannot read ${file}`, { cause: error });
  }
  let json: unknown;
  try {
    json = parseJsonWithin(text, 64);
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError('INPUT_UNREADABLE', `${file}: ${error.message}`);
    throw new EngineError('INPUT_UNREADABLE', `${file}: not valid JSON`);
  }
  return parsePayerModel(json);
}
