import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { EngineError } from '../../core/index.js';
import { trainingLabels, trainPayerModelOnPayments } from '../../screening/index.js';
import type { CliIo } from '../io.js';
import {
  batchesOf,
  type FormatOptions,
  formatOption,
  prepare,
  readJsonLines,
  readPackSettings,
} from './payment-files.js';

interface TrainOptions extends FormatOptions {
  readonly labels: string;
  readonly out: string;
  readonly config?: string;
  readonly targetAlertRate: number;
  readonly json?: boolean;
}

function alertRate(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value >= 0.5) {
    throw new EngineError(
      'REQUEST_INVALID',
      `--target-alert-rate must be a share above 0 and below 0.5, got '${text}'`,
    );
  }
  return value;
}

/**
 * `prevail payments train`: fits the payer model on a labelled payments file and writes it as
 * JSON, to be named by `payer_model_file` in `packs.yaml` (where it runs in shadow mode) or given
 * to `payments evaluate --model`.
 */
export function paymentsTrainCommand(io: CliIo): Command {
  return new Command('train')
    .summary('train the learned payer model on a labelled payments file')
    .description(
      'Screens the file through the OCSE pack (every indicator active, a throwaway store) and records, for each cross-border payment to a possible person whose payer is labelled, the pack\'s features and indicator hits at that payment (docs/payments.md, "Learning from decisions"). Then fits an L2-regularised logistic regression (each account weighs the same however many payments it made), calibrates the account\'s highest score (Platt scaling) and sets the alert threshold so that at most --target-alert-rate of the label-0 accounts would alert. Writes the model to --out and prints its training summary.\n\n' +
        'Labels (JSONL), either a scenario\'s ("prevail simulate payments --labels": its T1 offenders are positives, its legitimate accounts negatives, accounts planted for other typologies are left out) or analysts\' decisions, one {"account": "…", "decision": "confirmed" | "dismissed"} per line (exported from closed cases). Accounts without a label are not used.\n\n' +
        'The model runs in shadow beside the rules once packs.yaml names it (ocse_payments.settings.payer_model_file) and alerts only when builtin-rules.yaml sets ocse_model_payer to mode: active. Compare it with the rules first: prevail payments evaluate <file> --labels <labels> --model <model.json>, on a file it was not trained on.',
    )
    .argument('<file>', 'the labelled payments file')
    .requiredOption('--labels <file>', "the labels (JSONL): scenario labels or analysts' decisions")
    .requiredOption('--out <file>', 'where to write the model (JSON)')
    .addOption(formatOption())
    .option('--config <file>', 'YAML with packs.ocse_payments.settings and builtin_rules overrides')
    .addOption(
      new Option('--target-alert-rate <share>', 'the share of label-0 accounts the threshold lets alert')
        .argParser(alertRate)
        .default(0.0025),
    )
    .option('--json', 'print the training summary as one JSON object')
    .option('--no-progress', 'never show the progress bar')
    .action(async (file: string, options: TrainOptions) => {
      const labels = trainingLabels(await readJsonLines<unknown>(options.labels));
      const { format, progress } = await prepare(file, options, io, 'training');
      const config = await readPackSettings(options.config);
      const result = await trainPayerModelOnPayments(batchesOf(file, format, progress), labels, {
        ...config,
        training: { targetAlertRate: options.targetAlertRate },
      });
      progress.stop();
      await writeFile(options.out, `${JSON.stringify(result.model, null, 1)}\n`);
      const summary = {
        out: options.out,
        payments: result.screening.payments,
        examples: result.examples,
        training: result.model.training,
      };
      io.stdout.write(options.json === true ? `${JSON.stringify(summary)}\n` : trainingText(summary));
    });
}

function trainingText(summary: { out: string; payments: number; examples: number; training: unknown }): string {
  return `trained on ${summary.payments} payments (${summary.examples} scored payments of labelled payers); model written to ${summary.out}\n${JSON.stringify(summary.training, null, 2)}\n`;
}
