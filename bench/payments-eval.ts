import { readFile } from 'node:fs/promises';
/**
 * `npm run bench -- payments-eval [--accounts N] [--days D] [--profiles a,b] [--seeds 1,2,11] [--no-model]`:
 * detection quality, not speed. For every simulator profile (`mto`, `plain-bank`, `hard`) and
 * seed — seeds 1–3 are the ones rules may be tuned on, 11–13 are reported and never tuned on —
 * it simulates a scenario (3,000 payer accounts × 60 days by default), screens it with the OCSE
 * pack (every rule active, `screenPayments`) and with the naive baseline (night + small +
 * corridor, `NaiveScreen`) in the same pass, and scores both against the scenario's labels:
 * recall per planted typology and the share of legitimate senders alerted, side by side. Writes
 * `bench/results/payments-eval.json` and prints the table. Nothing is tuned here.
 *
 * The learned payer model is measured the way it would be used: per profile, it is trained on the
 * tune seeds' labels (their screenings capture its inputs in the same pass) and then run beside
 * the rules on the report seeds it never saw; each report run gives the rules' T1, the model and
 * both (the model promoted) side by side. `--no-model` leaves it out.
 */
import {
  type PayerModel,
  payerModelTypology,
  resolveOcseSettings,
  type TrainingExample,
} from '../src/payments/index.js';
import {
  compareModelWithRules,
  compareWithBaseline,
  type ModelComparison,
  NaiveScreen,
  naiveScreenSettings,
  screenCapturingModelInputs,
  screenPayments,
  trainingLabels,
  trainPayerModelOn,
} from '../src/screening/index.js';
import { type SimulationProfileName, simulatePayments, simulationProfileNames } from '../src/simulate/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

const tuneSeeds = [1, 2, 3];
const reportSeeds = [11, 12, 13];

function numberOption(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

function listOption(args: string[], name: string): string[] | undefined {
  const index = args.indexOf(name);
  const value = index >= 0 ? args[index + 1] : undefined;
  return value === undefined ? undefined : value.split(',').filter((item) => item !== '');
}

/** One (profile, seed) run: Prevail and the naive screen on the same payments and labels. */
interface EvaluationRun {
  readonly profile: SimulationProfileName;
  readonly seed: number;
  /** `tune`: a seed rules may be set on; `report`: a seed never tuned on. */
  readonly split: 'tune' | 'report';
  readonly payments: number;
  readonly legitimateSenders: number;
  readonly prevail: { readonly alerted: number; readonly rate: number };
  readonly naive: { readonly alerted: number; readonly rate: number };
  readonly typologies: readonly {
    readonly typology: string;
    readonly planted: number;
    readonly prevailRecall: number;
    readonly prevailAnyAlertRecall: number;
    readonly naiveRecall: number;
  }[];
  /** On a report seed: the rules' T1, the payer model trained on this profile's tune seeds, and both. */
  readonly model?: ModelComparison;
  readonly seconds: number;
}

/** What the model side of one run does: capture its inputs (tune seeds) or score (report seeds). */
type ModelStep = { readonly capture: TrainingExample[] } | { readonly model: PayerModel } | undefined;

async function evaluate(profile: SimulationProfileName, seed: number, accounts: number, days: number, step: ModelStep) {
  const started = performance.now();
  const simulation = simulatePayments({ seed, accounts, days, profile });
  const labels = [...simulation.labels, ...simulation.legitimate];
  const planted = new Set(simulation.labels.map((label) => label.account));
  const naive = new NaiveScreen(naiveScreenSettings(resolveOcseSettings()));
  const payers = new Set<string>();
  function* batches() {
    let batch = [];
    for (const record of simulation.payments) {
      payers.add(record.payer.account);
      naive.add(record);
      batch.push(record);
      if (batch.length === 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
  let screened: Awaited<ReturnType<typeof screenPayments>>;
  if (step !== undefined && 'capture' in step) {
    const captured = await screenCapturingModelInputs(batches(), trainingLabels(labels));
    // Account ids repeat across seeds: each seed's accounts are other people.
    for (const example of captured.examples) step.capture.push({ ...example, account: `${seed}:${example.account}` });
    screened = captured.screening;
  } else {
    screened = await screenPayments(batches(), step === undefined ? {} : { payerModel: { model: step.model } });
  }
  let legitimateSenders = 0;
  for (const payer of payers) if (!planted.has(payer)) legitimateSenders++;
  const rulesAlerts = screened.alerts.filter((alert) => alert.typology !== payerModelTypology);
  const comparison = compareWithBaseline('naive', rulesAlerts, naive.alerts(), labels, legitimateSenders);
  const run: EvaluationRun = {
    profile,
    seed,
    split: tuneSeeds.includes(seed) ? 'tune' : 'report',
    payments: screened.payments,
    legitimateSenders,
    prevail: comparison.prevail,
    naive: comparison.baselineLegitimate,
    typologies: comparison.rows.map((row) => ({
      typology: row.typology,
      planted: row.planted,
      prevailRecall: row.prevailRecall,
      prevailAnyAlertRecall: row.prevailAnyAlertRecall,
      naiveRecall: row.baselineRecall,
    })),
    ...(step !== undefined && 'model' in step
      ? { model: compareModelWithRules(screened.alerts, labels, legitimateSenders) }
      : {}),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  return run;
}

const percent = (value: number) => `${(value * 100).toFixed(2)} %`;

/** `T1 payers` … `T6 mules`: the docs' column names, in typology order. */
const docColumns: readonly (readonly [string, string])[] = [
  ['ocse_livestream_payer', 'T1 payers'],
  ['ocse_facilitator', 'T2 facilitators'],
  ['ocse_travel_to_offend', 'T3 travel'],
  ['ocse_crypto_purchase', 'T4 crypto'],
  ['sextortion_victim', 'T5 victims'],
  ['sextortion_mule', 'T6 mules'],
];

/**
 * The per-profile Markdown tables of `docs/payments.md` ("On data it was not tuned on") from a
 * saved result, so the docs show what the JSON holds and nothing typed by hand.
 */
function markdownTables(saved: { runs: EvaluationRun[] }): string {
  const count = (recall: number, planted: number) => `${Math.round(recall * planted)}/${planted}`;
  const legitimate = (alerted: number, of: number, rate: number) =>
    `${alerted}/${of.toLocaleString('en')} (${percent(rate)})`;
  const profiles = [...new Set(saved.runs.map((result) => result.profile))];
  const parts: string[] = [];
  for (const profile of profiles) {
    parts.push(`**\`${profile}\`**`, '');
    parts.push(`| seed | screen | ${docColumns.map(([, name]) => name).join(' | ')} | legitimate senders alerted |`);
    parts.push(`|---|---|${docColumns.map(() => '---|').join('')}---|`);
    for (const result of saved.runs.filter((candidate) => candidate.profile === profile)) {
      const cells = (pick: (row: EvaluationRun['typologies'][number]) => number) =>
        docColumns.map(([typology]) => {
          const row = result.typologies.find((candidate) => candidate.typology === typology);
          return row === undefined ? '—' : count(pick(row), row.planted);
        });
      const seed = `${result.seed}${result.split === 'tune' ? ' (tune)' : ''}`;
      parts.push(
        `| ${seed} | Prevail | ${cells((row) => row.prevailRecall).join(' | ')} | ${legitimate(result.prevail.alerted, result.legitimateSenders, result.prevail.rate)} |`,
      );
      parts.push(
        `| | naive | ${cells((row) => row.naiveRecall).join(' | ')} | ${legitimate(result.naive.alerted, result.legitimateSenders, result.naive.rate)} |`,
      );
      if (result.model !== undefined) {
        const blank = docColumns.slice(1).map(() => '');
        const side = (name: string, figures: ModelComparison['model']) =>
          `| | ${name} | ${figures.payersAlerted}/${result.model?.plantedPayers} | ${blank.join(' | ')} | ${legitimate(figures.legitimateAlerted, result.legitimateSenders, figures.alertRate)} |`;
        parts.push(side('model (trained on 1–3)', result.model.model));
        parts.push(side('rules or model', result.model.rulesOrModel));
      }
    }
    parts.push('');
  }
  return parts.join('\n');
}

export async function run(args: string[]): Promise<void> {
  const savedIndex = args.indexOf('--markdown-from');
  if (savedIndex !== -1) {
    const file = args[savedIndex + 1];
    if (file === undefined)
      throw new Error('--markdown-from needs the saved result (bench/results/payments-eval.json)');
    console.log(markdownTables(JSON.parse(await readFile(file, 'utf8'))));
    return;
  }
  const accounts = numberOption(args, '--accounts', 3000);
  const days = numberOption(args, '--days', 60);
  const profiles = (listOption(args, '--profiles') ?? [...simulationProfileNames]) as SimulationProfileName[];
  for (const profile of profiles) {
    if (!(simulationProfileNames as readonly string[]).includes(profile)) throw new Error(`unknown profile ${profile}`);
  }
  const seeds = (listOption(args, '--seeds') ?? [...tuneSeeds, ...reportSeeds].map(String)).map(Number);
  console.log(`machine: ${JSON.stringify(describeMachine())}`);
  console.log(
    `scenarios: ${accounts.toLocaleString('en')} payer accounts × ${days} days; profiles ${profiles.join(', ')}`,
  );
  const withModel = !args.includes('--no-model');
  const runs: EvaluationRun[] = [];
  const trainings: { profile: string; examples: number; training: unknown }[] = [];
  for (const profile of profiles) {
    // Tune seeds first: their captured inputs train the model the report seeds are scored with.
    const ordered = [...seeds].sort(
      (left, right) => Number(reportSeeds.includes(left)) - Number(reportSeeds.includes(right)),
    );
    const capture: TrainingExample[] = [];
    let model: PayerModel | undefined;
    for (const seed of ordered) {
      const report = !tuneSeeds.includes(seed);
      if (withModel && report && model === undefined && capture.length > 0) {
        model = trainPayerModelOn(capture);
        trainings.push({ profile, examples: capture.length, training: model.training });
        console.log(
          `${profile}: payer model trained on seeds ${tuneSeeds.join(', ')} (${capture.length} scored payments)`,
        );
      }
      const step: ModelStep = !withModel
        ? undefined
        : report
          ? model === undefined
            ? undefined
            : { model }
          : { capture };
      const result = await evaluate(profile, seed, accounts, days, step);
      runs.push(result);
      const modelText =
        result.model === undefined
          ? ''
          : `; T1 rules ${result.model.rules.payersAlerted}/${result.model.plantedPayers}, model ${result.model.model.payersAlerted}/${result.model.plantedPayers} at ${percent(result.model.model.alertRate)}, rules or model ${result.model.rulesOrModel.payersAlerted}/${result.model.plantedPayers} at ${percent(result.model.rulesOrModel.alertRate)}`;
      console.log(
        `${profile} seed ${seed} (${result.split}): ${result.payments.toLocaleString('en')} payments, legitimate alerted Prevail ${percent(result.prevail.rate)}, naive ${percent(result.naive.rate)}${modelText} (${result.seconds} s)`,
      );
    }
  }
  const short: Record<string, string> = {
    ocse_livestream_payer: 'T1 payer',
    ocse_facilitator: 'T2 facil.',
    ocse_travel_to_offend: 'T3 travel',
    ocse_crypto_purchase: 'T4 crypto',
    sextortion_victim: 'T5 victim',
    sextortion_mule: 'T6 mule',
  };
  // T1–T6 in order, then any typology this table does not know by name.
  const known = Object.keys(short);
  const typologies = [...new Set(runs.flatMap((result) => result.typologies.map((row) => row.typology)))].sort(
    (left, right) =>
      (known.includes(left) ? known.indexOf(left) : known.length) -
        (known.includes(right) ? known.indexOf(right) : known.length) || left.localeCompare(right),
  );
  const header = [
    'profile',
    'seed',
    'screen',
    ...typologies.map((typology) => short[typology] ?? typology),
    'legitimate alerted',
  ];
  const rows: (string | number)[][] = [];
  for (const result of runs) {
    const recall = (pick: (row: EvaluationRun['typologies'][number]) => number) =>
      typologies.map((typology) => {
        const row = result.typologies.find((candidate) => candidate.typology === typology);
        return row === undefined ? '—' : `${pick(row).toFixed(2)} (${row.planted})`;
      });
    const seed = `${result.seed}${result.split === 'tune' ? ' (tune)' : ''}`;
    rows.push([
      result.profile,
      seed,
      'Prevail',
      ...recall((row) => row.prevailRecall),
      `${result.prevail.alerted}/${result.legitimateSenders} (${percent(result.prevail.rate)})`,
    ]);
    rows.push([
      '',
      '',
      'naive',
      ...recall((row) => row.naiveRecall),
      `${result.naive.alerted}/${result.legitimateSenders} (${percent(result.naive.rate)})`,
    ]);
  }
  console.log('\nrecall per planted typology (planted accounts in brackets) and legitimate senders alerted:');
  printTable(header, rows);
  await finishBenchmark('payments-eval', {
    accounts,
    days,
    tuneSeeds,
    reportSeeds,
    naive: naiveScreenSettings(resolveOcseSettings()),
    trainings,
    runs,
  });
}
