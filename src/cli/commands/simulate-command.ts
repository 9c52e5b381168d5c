import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type PaymentRecord, pacs008Chunks } from '../../payments/index.js';
import {
  defaultScenarioMix,
  defaultSimulationProfile,
  defaultSimulationStart,
  type ScenarioMix,
  type Simulation,
  type SimulationProfileName,
  simulatePayments,
  simulationProfileNames,
} from '../../simulate/index.js';
import type { CliIo } from '../io.js';
import { startProgress } from '../progress.js';
import { simulateChatsCommand } from './simulate-chats-command.js';

/** The smallest population the command accepts: below it the planted kinds crowd the scenario. */
export const minimumSimulationAccounts = 100;
/** The longest window, in days. */
export const maximumSimulationDays = 400;

interface SimulateOptions {
  seed: number;
  accounts: number;
  days: number;
  start: string;
  out: string;
  labels?: string;
  format: 'jsonl' | 'pacs008';
  mix: Partial<ScenarioMix>;
  profile: SimulationProfileName;
  progress: boolean;
}

/** A whole number in [minimum, maximum] for commander, with the option's rule in the message. */
function wholeNumber(minimum: number, maximum: number, rule: string) {
  return (value: string): number => {
    const parsed = Number(value.replace(/_/g, ''));
    if (!Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) throw new InvalidArgumentError(rule);
    return parsed;
  };
}

function isoStart(value: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) || Number.isNaN(Date.parse(text))) {
    throw new InvalidArgumentError('expected an ISO date (2026-01-01) or date-time (2026-01-01T00:00:00Z)');
  }
  return value;
}

const mixKeys = Object.keys(defaultScenarioMix) as (keyof ScenarioMix)[];

/** Parses `offenders=60,mules=0`: planted accounts per 10,000 payer accounts, by kind. */
export function parseMix(value: string): Partial<ScenarioMix> {
  const mix: Partial<Record<keyof ScenarioMix, number>> = {};
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const [key = '', rate = ''] = entry.split('=').map((part) => part.trim());
    const number = Number(rate);
    if (
      !(mixKeys as string[]).includes(key) ||
      rate === '' ||
      !Number.isFinite(number) ||
      number < 0 ||
      number > 2000
    ) {
      throw new InvalidArgumentError(`expected kind=rate pairs with kinds ${mixKeys.join(', ')} and rates 0–2000`);
    }
    mix[key as keyof ScenarioMix] = number;
  }
  return mix;
}

/** Writes `text` to `stream`, waiting when the stream asks the writer to slow down. */
async function writeText(stream: Writable, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.off('drain', onDrain);
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

/** Ends a file stream and waits until its bytes are on disk (or it failed). */
function closeFile(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** The records, ticking `tick` once per day of the window they pass. */
function* withDayTicks(records: Iterable<PaymentRecord>, windowStart: number, tick: () => void) {
  let day = 0;
  for (const record of records) {
    const recordDay = Math.floor((Date.parse(record.time) - windowStart) / 86_400_000);
    for (; day < recordDay; day++) tick();
    yield record;
  }
}

/** Writes the payments in `format` to `stream`; resolves to the number written. */
async function writePayments(
  simulation: Simulation,
  options: SimulateOptions,
  stream: Writable,
  tick: () => void,
): Promise<number> {
  const windowStart = Date.parse(simulation.window.start);
  let written = 0;
  const counted = function* (records: Iterable<PaymentRecord>) {
    for (const record of records) {
      written++;
      yield record;
    }
  };
  const records = counted(withDayTicks(simulation.payments, windowStart, tick));
  if (options.format === 'pacs008') {
    let total = 0;
    for (const _ of simulation.payments) total++;
    const chunks = pacs008Chunks(records, {
      numberOfTransactions: total,
      messageId: `PREVAIL-SIM-${options.seed}`.slice(0, 35),
      createdAt: simulation.window.end,
    });
    for (const chunk of chunks) await writeText(stream, chunk);
    return written;
  }
  let buffer = '';
  for (const record of records) {
    buffer += `${JSON.stringify(record)}\n`;
    if (buffer.length >= 1 << 16) {
      await writeText(stream, buffer);
      buffer = '';
    }
  }
  if (buffer !== '') await writeText(stream, buffer);
  return written;
}

function labelLines(simulation: Simulation): string {
  return [...simulation.labels, ...simulation.legitimate].map((label) => `${JSON.stringify(label)}\n`).join('');
}

/** Runs `prevail simulate payments`; resolves to the exit status. */
async function runSimulate(options: SimulateOptions, io: CliIo): Promise<number> {
  const simulation = simulatePayments({
    seed: options.seed,
    accounts: options.accounts,
    days: options.days,
    start: options.start,
    mix: options.mix,
    profile: options.profile,
  });
  const toStdout = options.out === '-';
  const labelsFile = options.labels ?? (toStdout ? undefined : `${options.out}.labels.jsonl`);
  const progress = startProgress(options.days, options.progress && io.stderr.isTTY === true, io.stderr, 'simulating');
  let payments: number;
  try {
    const stream = toStdout ? io.stdout : createWriteStream(options.out);
    payments = await writePayments(simulation, options, stream, () => progress.tick());
    if (!toStdout) await closeFile(stream);
    if (labelsFile !== undefined) {
      const labels = createWriteStream(labelsFile);
      await writeText(labels, labelLines(simulation));
      await closeFile(labels);
    }
  } catch (error) {
    progress.stop();
    io.stderr.write(`prevail simulate payments: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  progress.stop();
  const planted = Object.entries(simulation.plantedCounts)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  io.stderr.write(
    [
      `simulated ${options.accounts} payer accounts (${simulation.accountCount} accounts in all) over ${options.days} days from ${simulation.window.start}: ${payments} payments (seed ${options.seed}), profile ${simulation.profile}`,
      `planted: ${planted}`,
      labelsFile === undefined
        ? 'labels: not written (pass --labels FILE when writing to stdout)'
        : `labels: ${labelsFile} (${simulation.labels.length} planted, ${simulation.legitimate.length} legitimate)`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** `prevail simulate`: synthetic scenarios for measuring rules (payments, chats). */
export function simulateCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const simulate = new Command('simulate').summary('generate synthetic scenarios for measuring rules');
  simulate.addCommand(
    new Command('payments')
      .summary('generate a deterministic synthetic payments scenario with planted OCSE behaviours and labels')
      .description(
        [
          'Generate payments of --accounts payer accounts over --days days: legitimate customers made hard to tell apart from offenders (family remittances on the same corridors, night-shift senders, tuition abroad, new migrants, partners abroad, sibling groups, tourists, donors, online buyers) and planted offenders, facilitators, sextortion victims, mules, travel-to-offend and crypto-exposure accounts. Everything is synthetic: fake names, plain references. The same --seed, --accounts, --days, --start, --mix and --profile always give the same output. See docs/payments-simulation.md.',
          "Profiles: mto (default) writes every field a money-transfer operator records with Prevail's extension (channel, declared relationship, party types…); plain-bank writes the same scenario with only what a bank's plain pacs.008 export carries (amount, currency, acceptance time with the payer's offset, accounts, names, countries, the payer's KYC birth date and country; no extension, no purpose or remittance text, no payee type); hard makes the look-alikes harder (three times the night-shift senders, more parents of students abroad, larger families, offenders paying 2–5 times a month on the same paydays as family support). Labels mean the same in every profile.",
          'Payments are sorted by time, one PaymentRecord per line (JSONL, which "prevail payments" reads), or one pacs.008.001.08 document (--format pacs008).',
          'The label file is JSONL, one object per labelled account: planted accounts as {"account", "kind", "typology", "indicators", "variant"} (kind offender, facilitator, sextortion_victim, mule, travel_to_offend or crypto_exposure); legitimate payers and legitimate high fan-in receivers as {"account", "kind": "legitimate", "persona", "typology": null}. Accounts not listed are ordinary legitimate payees (merchants, utilities, relatives).',
          'Do not tune rules to one seed: measure on several.',
        ].join('\n\n'),
      )
      .requiredOption(
        '--seed <n>',
        'random seed, a whole number ≥ 0',
        wholeNumber(0, Number.MAX_SAFE_INTEGER, 'expected a whole number ≥ 0'),
      )
      .option(
        '--accounts <n>',
        `payer accounts, at least ${minimumSimulationAccounts}`,
        wholeNumber(minimumSimulationAccounts, 10_000_000, `expected a whole number ≥ ${minimumSimulationAccounts}`),
        10_000,
      )
      .option(
        '--days <n>',
        `length of the window, 1–${maximumSimulationDays} days (planted patterns need 30+, travel 45+)`,
        wholeNumber(1, maximumSimulationDays, `expected a whole number of days from 1 to ${maximumSimulationDays}`),
        90,
      )
      .option(
        '--start <iso>',
        'first day of the window (UTC date; the window opens at its midnight)',
        isoStart,
        defaultSimulationStart,
      )
      .option('--out <file>', 'where to write the payments (- for standard output)', '-')
      .option(
        '--labels <file>',
        'where to write the label file (default: <out>.labels.jsonl; when the payments go to standard output, labels are written only when this is given)',
      )
      .addOption(new Option('--format <format>', 'payments format').choices(['jsonl', 'pacs008']).default('jsonl'))
      .addOption(
        new Option('--profile <profile>', 'what the scenario looks like and which fields it carries')
          .choices([...simulationProfileNames])
          .default(defaultSimulationProfile),
      )
      .addOption(
        new Option(
          '--mix <pairs>',
          `planted accounts per 10,000 payer accounts by kind, e.g. offenders=120,mules=0 (kinds: ${mixKeys.join(', ')})`,
        )
          .argParser(parseMix)
          .default({}, mixKeys.map((key) => `${key}=${defaultScenarioMix[key]}`).join(',')),
      )
      .option('--no-progress', 'never show the progress bar (it only ever shows on a terminal)')
      .action(async (options: SimulateOptions) => {
        setExitCode(await runSimulate(options, io));
      }),
  );
  simulate.addCommand(simulateChatsCommand(io, setExitCode));
  return simulate;
}
