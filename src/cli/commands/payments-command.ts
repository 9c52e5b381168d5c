import { Command, Option } from 'commander';
import { createServices } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import {
  createPaymentsProfiler,
  type PaymentFormat,
  type PaymentRecord,
  type PaymentsProfile,
  payerModelTypology,
  readPaymentsFile,
  resolveOcseSettings,
  toPaymentEvent,
  validatePaymentsFile,
} from '../../payments/index.js';
import {
  type BaselineComparison,
  compareModelWithRules,
  compareWithBaseline,
  evaluateScreening,
  type LabelLine,
  type ModelComparison,
  type ModelComparisonSide,
  NaiveScreen,
  naiveScreenSettings,
  type ScreeningAlert,
  type ScreeningEvaluation,
  screenPayments,
} from '../../screening/index.js';
import { cliLogger } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';
import {
  batchesOf,
  detectFileFormat,
  type FormatOptions,
  formatOption,
  prepare,
  readJsonLines,
  readPackSettings,
  readPayerModelFile,
} from './payment-files.js';
import { profileText } from './payments-profile-table.js';
import { paymentsTrainCommand } from './payments-train-command.js';

/**
 * The profile of an already validated file (one more pass over it): field coverage and what the
 * OCSE pack, with `settings`, can see in it.
 */
async function profileFile(file: string, format: PaymentFormat, settings: unknown): Promise<PaymentsProfile> {
  const profiler = createPaymentsProfiler(resolveOcseSettings(settings ?? {}));
  for await (const batch of readPaymentsFile(file, format)) for (const record of batch) profiler.add(record);
  return profiler.finish();
}

function formatShare(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

/** The evaluation as a text table (stdout) for people. */
function printEvaluation(io: CliIo, evaluation: ScreeningEvaluation): void {
  const rows = [
    ['typology', 'planted', 'alerted', 'true pos.', 'other planted', 'false pos.', 'precision', 'recall', 'alert rate'],
    ...evaluation.typologies.map((figures) => [
      figures.typology,
      String(figures.planted),
      String(figures.alerted),
      String(figures.truePositives),
      String(figures.otherPlanted),
      String(figures.falsePositives),
      formatShare(figures.precision),
      formatShare(figures.recall),
      `${(figures.alertRate * 100).toFixed(3)}%`,
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  for (const row of rows)
    io.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`);
  io.stdout.write('\nrecall per planted kind (any alert):\n');
  for (const kind of evaluation.kinds) {
    io.stdout.write(`  ${kind.kind}: ${kind.alerted}/${kind.planted} = ${kind.recall.toFixed(3)}\n`);
  }
  io.stdout.write(
    `\nlegitimate senders alerted: ${evaluation.legitimateAlerted}/${evaluation.legitimateSenders} = ${(evaluation.alertRate * 100).toFixed(3)}%\n`,
  );
  for (const [persona, count] of Object.entries(evaluation.falsePositivesByPersona).sort()) {
    io.stdout.write(`  ${persona}: ${count}\n`);
  }
}

/** Prevail beside the baseline: recall per planted typology and the legitimate alert rates. */
function printBaselineComparison(io: CliIo, comparison: BaselineComparison): void {
  const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
  const rows = [
    ['typology', 'planted', 'Prevail recall', 'Prevail any alert', `${comparison.baseline} recall`],
    ...comparison.rows.map((row) => [
      row.typology,
      String(row.planted),
      row.prevailRecall.toFixed(3),
      row.prevailAnyAlertRecall.toFixed(3),
      row.baselineRecall.toFixed(3),
    ]),
    [
      'legitimate senders alerted',
      String(comparison.legitimateSenders),
      `${comparison.prevail.alerted} (${percent(comparison.prevail.rate)})`,
      '',
      `${comparison.baselineLegitimate.alerted} (${percent(comparison.baselineLegitimate.rate)})`,
    ],
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  io.stdout.write(`
Prevail beside the ${comparison.baseline} baseline (same file, same labels):
`);
  for (const row of rows)
    io.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  const personas = Object.entries(comparison.baselineEvaluation.falsePositivesByPersona).sort();
  if (personas.length > 0) {
    io.stdout.write(`${comparison.baseline} baseline's legitimate alerts by persona:
`);
    for (const [persona, count] of personas)
      io.stdout.write(`  ${persona}: ${count}
`);
  }
}

/** The rules' T1 beside the learned model, and both together (the model promoted). */
function printModelComparison(io: CliIo, comparison: ModelComparison): void {
  const cell = (side: ModelComparisonSide) => [
    `${side.payersAlerted}/${comparison.plantedPayers} (${side.recall.toFixed(3)})`,
    `${side.legitimateAlerted}/${comparison.legitimateSenders} (${(side.alertRate * 100).toFixed(2)}%)`,
  ];
  const rows = [
    ['screen', 'T1 payers alerted', 'legitimate senders alerted'],
    ['rules (T1; legitimate: any rule typology)', ...cell(comparison.rules)],
    ['payer model (shadow)', ...cell(comparison.model)],
    ['rules or model (model promoted)', ...cell(comparison.rulesOrModel)],
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  io.stdout.write('\nthe rules beside the payer model (same file, same pass):\n');
  for (const row of rows)
    io.stdout.write(
      `${row
        .map((text, column) => text.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/**
 * Adds the paying accounts of each batch to `payers`, and each record to the naive screen when
 * there is one, as the batches pass by (one pass over the file serves every figure).
 */
async function* collectingPayers(batches: AsyncIterable<PaymentRecord[]>, payers: Set<string>, naive?: NaiveScreen) {
  for await (const batch of batches) {
    for (const record of batch) {
      payers.add(record.payer.account);
      naive?.add(record);
    }
    yield batch;
  }
}

/** The number of paying accounts that are not planted: the alert-rate denominator. */
function legitimateSenders(payers: ReadonlySet<string>, planted: ReadonlySet<string>): number {
  let count = 0;
  for (const payer of payers) if (!planted.has(payer)) count++;
  return count;
}

/**
 * `prevail payments screen|evaluate|ingest`: the compliance team's back-testing tools over the
 * OCSE payments pack, and ingestion of payment files into the engine.
 */
export function paymentsCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const payments = new Command('payments').summary('screen, evaluate and ingest payment files (OCSE typologies)');

  payments.addCommand(
    new Command('profile')
      .summary('field coverage of a payments file, and which OCSE indicators and typologies can fire on it')
      .description(
        'Reads the whole file (validated first, as screen does) and prints: per field the payments that carry it and their share; per indicator rule whether it can fire on this input (every field it needs is present in at least one payment), what it needs when it cannot, and what it does without an absent optional field (an unknown payee type is possibly a person, an unknown relationship is unknown, never unrelated; docs/packs/ocse-payments.md, "Missing data"); per typology whether it can reach its alert threshold with the default points, and why not. --config takes the same YAML as screen (packs.ocse_payments.settings: currency rates, purpose_channels, instrument_channels, agent_channels, private_keywords). --json prints one JSON object {records, fields, channels, indicators, typologies}.',
      )
      .argument('<file>', 'the payments file')
      .addOption(formatOption())
      .option('--config <file>', 'YAML with packs.ocse_payments.settings overrides')
      .option('--json', 'print one JSON object instead of tables')
      .action(async (file: string, options: { format?: PaymentFormat; config?: string; json?: boolean }) => {
        const format = options.format ?? (await detectFileFormat(file));
        await validatePaymentsFile(file, format);
        const config = await readPackSettings(options.config);
        const profile = await profileFile(file, format, config.settings);
        io.stdout.write(options.json === true ? `${JSON.stringify(profile)}\n` : profileText(profile));
      }),
  );

  payments.addCommand(
    new Command('screen')
      .summary('back-test the OCSE typologies on a payments file; one JSONL line per alert')
      .description(
        'Runs every payment of the file, in file order, through the full signals engine with the OCSE payments pack (every indicator active) on a throwaway embedded store, and prints one JSON line per (account, typology) that reached its alert threshold:\n' +
          '{"subject":{"type":"payment_account","id":"…"},"typology":"…","score":90,"reasons":["… [F02; FINTRAC-20, …]"],"firstSeen":"…","lastSeen":"…"}\n' +
          'The whole file is validated first: a malformed message is reported with its position and nothing is screened. Before screening, the file\'s profile (as "payments profile" prints it: field coverage, the indicators and typologies that can fire on it) goes to standard error. Formats: pacs008, pain001 (ISO 20022 XML), tazama (Tazama pacs.008 JSON), jsonl, csv, mt103 (SWIFT MT103) (see docs/payments-input.md). --config takes a YAML file with packs.ocse_payments.settings and builtin_rules (thresholds) as in a policy.',
      )
      .argument('<file>', 'the payments file')
      .addOption(formatOption())
      .option('--config <file>', 'YAML with packs.ocse_payments.settings and builtin_rules overrides')
      .option('--no-progress', 'never show the progress bar')
      .action(async (file: string, options: FormatOptions & { config?: string }) => {
        const { format, count, progress } = await prepare(file, options, io, 'screening');
        const config = await readPackSettings(options.config);
        io.stderr.write(profileText(await profileFile(file, format, config.settings)));
        const result = await screenPayments(batchesOf(file, format, progress), config);
        progress.stop();
        for (const alert of result.alerts) io.stdout.write(`${JSON.stringify(alert)}\n`);
        io.stderr.write(`screened ${count} payments: ${result.alerts.length} alerts\n`);
      }),
  );

  payments.addCommand(
    new Command('evaluate')
      .summary('precision, recall and alert rate per typology against a labels file')
      .description(
        'Scores a screening against the labels of a scenario (as written by "prevail simulate payments": one JSON line per planted account {account, kind, typology}, and legitimate accounts {account, kind: "legitimate", persona, typology: null}). Screens <file> itself, or reads the alerts of an earlier "payments screen" with --alerts. Prints per typology: planted, alerted, true positives, alerts on accounts planted for another typology, false positives, precision, recall and alert rate (false positives / legitimate senders); then recall per planted kind (any alert) and the legitimate senders alerted, broken down by persona. --json prints the same as one JSON object.\n\n' +
          "--baseline naive also scores, on the same file in the same pass, a naive screen: a payer is alerted at 3 or more payments that are each at night in the payer's local time (22:00–06:00, from the time's UTC offset), under the top of the pack's F01 band (USD 350) and into a country on the pack's corridor list other than the payer's (all taken from the pack settings, so --config moves them too). It then prints Prevail's and the baseline's recall per planted typology and the share of legitimate senders each alerted side by side; with --json, under \"baseline\".",
      )
      .argument('[file]', 'the payments file (needed unless --alerts is given)')
      .requiredOption('--labels <file>', 'the scenario labels (JSONL)')
      .option('--alerts <file>', 'the JSONL alerts of an earlier "prevail payments screen"')
      .addOption(formatOption())
      .option('--config <file>', 'YAML with packs.ocse_payments.settings and builtin_rules overrides')
      .addOption(
        new Option('--baseline <name>', 'also score a baseline screen on the same file, side by side').choices([
          'naive',
        ]),
      )
      .option(
        '--model <file>',
        'also run a trained payer model (prevail payments train) beside the rules, and compare them',
      )
      .option('--json', 'print one JSON object instead of tables')
      .option('--no-progress', 'never show the progress bar')
      .action(
        async (
          file: string | undefined,
          options: FormatOptions & {
            labels: string;
            alerts?: string;
            config?: string;
            json?: boolean;
            baseline?: 'naive';
            model?: string;
          },
        ) => {
          if (file === undefined && options.alerts === undefined) {
            throw new EngineError('REQUEST_INVALID', 'give the payments file, or --alerts with an earlier screening');
          }
          if (file === undefined && options.baseline !== undefined) {
            throw new EngineError('REQUEST_INVALID', '--baseline screens the payments file: give it');
          }
          if (options.model !== undefined && options.alerts !== undefined) {
            throw new EngineError('REQUEST_INVALID', '--model screens the payments file: give it instead of --alerts');
          }
          const config = await readPackSettings(options.config);
          const model = options.model === undefined ? undefined : await readPayerModelFile(options.model);
          const naive =
            options.baseline === 'naive'
              ? new NaiveScreen(naiveScreenSettings(resolveOcseSettings(config.settings)))
              : undefined;
          const labels = await readJsonLines<LabelLine>(options.labels);
          const planted = new Set(labels.filter((label) => label.typology !== null).map((label) => label.account));
          // The payers are collected on the one pass that screens (or, with --alerts, reads) the file.
          const payers = new Set<string>();
          let alerts: ScreeningAlert[];
          if (options.alerts !== undefined) {
            alerts = await readJsonLines<ScreeningAlert>(options.alerts);
            if (file !== undefined) {
              const format = options.format ?? (await detectFileFormat(file));
              for await (const batch of readPaymentsFile(file, format)) {
                for (const record of batch) {
                  payers.add(record.payer.account);
                  naive?.add(record);
                }
              }
            }
          } else {
            const path = file as string;
            const { format, progress } = await prepare(path, options, io, 'screening');
            const batches = collectingPayers(batchesOf(path, format, progress), payers, naive);
            alerts = [
              ...(await screenPayments(batches, model === undefined ? config : { ...config, payerModel: { model } }))
                .alerts,
            ];
            progress.stop();
          }
          const senders =
            file !== undefined
              ? legitimateSenders(payers, planted)
              : labels.filter((label) => label.typology === null).length;
          // The rules' figures stay the rules' own: the model's alerts are compared separately.
          const rulesAlerts = alerts.filter((alert) => alert.typology !== payerModelTypology);
          const evaluation = evaluateScreening(rulesAlerts, labels, senders);
          const comparison =
            naive === undefined
              ? undefined
              : compareWithBaseline('naive', rulesAlerts, naive.alerts(), labels, senders);
          const modelComparison = model === undefined ? undefined : compareModelWithRules(alerts, labels, senders);
          if (options.json === true) {
            io.stdout.write(
              `${JSON.stringify({
                ...evaluation,
                ...(comparison === undefined ? {} : { baseline: comparison }),
                ...(modelComparison === undefined ? {} : { model: modelComparison }),
              })}\n`,
            );
          } else {
            printEvaluation(io, evaluation);
            if (comparison !== undefined) printBaselineComparison(io, comparison);
            if (modelComparison !== undefined) printModelComparison(io, modelComparison);
          }
        },
      ),
  );

  payments.addCommand(paymentsTrainCommand(io));

  payments.addCommand(
    withStorageOptions(new Command('ingest'))
      .summary('ingest a payments file into the engine as payment.sent events')
      .description(
        'Validates the whole file first, each payment also against every check the engine applies to its payment.sent event (a malformed message or a payment the engine would refuse is reported with its position, transaction and reason, and nothing of it is applied), then stores every payment as a payment.sent event (id "payment:<transaction id>", so sending a file twice is a no-op) and lets the engine process them with the policy given by --policy. Prints {"payments", "accepted", "duplicates"}.',
      )
      .argument('<file>', 'the payments file')
      .addOption(formatOption())
      .option('--no-progress', 'never show the progress bar')
      .action(async (file: string, options: StorageCliOptions & FormatOptions) => {
        const services = await createServices(storageSettings(options), {
          loadIndexes: false,
          withEngine: true,
          logger: cliLogger(),
        });
        try {
          const engine = services.engine?.engine;
          if (engine === undefined) throw new EngineError('INTERNAL', 'the engine did not open');
          const { format, count, progress } = await prepare(file, options, io, 'ingesting', engine);
          const summary = { payments: count, accepted: 0, duplicates: 0 };
          for await (const batch of batchesOf(file, format, progress)) {
            for (const result of await engine.ingest(batch.map(toPaymentEvent))) {
              if (result.status === 'accepted') summary.accepted++;
              else if (result.status === 'duplicate') summary.duplicates++;
              else {
                setExitCode(1);
                for (const problem of result.problems) {
                  io.stderr.write(`${batch[result.index]?.id ?? result.index}: ${problem.path}: ${problem.message}\n`);
                }
              }
            }
          }
          await engine.drain();
          progress.stop();
          io.stdout.write(`${JSON.stringify(summary)}\n`);
        } finally {
          await services.close();
        }
      }),
  );
  return payments;
}
