import { EngineError } from '../../core/index.js';
import { featureNamePattern, payerModelLimits, peerGroupPattern } from './payer-model.js';

/**
 * One labelled payment event: the payer's features at that payment and whether the payer's
 * account was confirmed (an analyst's decision). An account has several examples, all with its
 * label; together they weigh as much as any other account's.
 */
export interface TrainingExample {
  readonly account: string;
  /** Named numeric inputs; a name left out is unknown (never send `NaN` for unknown). */
  readonly features: Readonly<Record<string, number>>;
  /** 1 = the account was confirmed (an offender), 0 = cleared. */
  readonly label: 0 | 1;
  /** Origin country × corridor × segment, e.g. `GB>PH:adult`. */
  readonly peerGroup?: string;
}

/** An account's examples, checked, in their input order. */
export interface AccountExamples {
  readonly account: string;
  readonly label: 0 | 1;
  readonly examples: readonly TrainingExample[];
}

function invalid(message: string): never {
  throw new EngineError('MODEL_INPUT_INVALID', message);
}

function checkExample(example: TrainingExample, index: number): void {
  const where = `example ${index}`;
  if (typeof example.account !== 'string' || example.account.length === 0) invalid(`${where}: the account is empty`);
  if (example.label !== 0 && example.label !== 1) invalid(`${where}: the label must be 0 or 1`);
  const group = example.peerGroup;
  if (
    group !== undefined &&
    (typeof group !== 'string' ||
      group.length > payerModelLimits.nameLength ||
      !peerGroupPattern.test(group) ||
      group === '__proto__')
  )
    invalid(`${where}: the peer group is not a name of at most ${payerModelLimits.nameLength} printable characters`);
  for (const [name, value] of Object.entries(example.features)) {
    if (name.length > payerModelLimits.nameLength || !featureNamePattern.test(name))
      invalid(
        `${where}: feature '${name.slice(0, 40)}' is not a name of at most ${payerModelLimits.nameLength} printable characters without spaces or '@'`,
      );
    if (typeof value !== 'number' || !Number.isFinite(value))
      invalid(
        `${where} (account '${example.account.slice(0, 40)}'): feature '${name}' is not a finite number: ${String(value)}`,
      );
  }
}

/**
 * Checks every example and gathers them per account, accounts sorted by name (so the result,
 * and a model trained from it, does not depend on how accounts interleave in the input).
 * @throws EngineError MODEL_INPUT_INVALID naming the example and the feature: an empty account,
 *   a label that is not 0 or 1, a bad name, a value that is not finite, an account with both labels.
 */
export function groupByAccount(examples: readonly TrainingExample[]): AccountExamples[] {
  const byAccount = new Map<string, TrainingExample[]>();
  examples.forEach((example, index) => {
    checkExample(example, index);
    const list = byAccount.get(example.account);
    if (list === undefined) byAccount.set(example.account, [example]);
    else {
      if (list[0]?.label !== example.label)
        invalid(`account '${example.account.slice(0, 40)}' has examples labelled both 0 and 1`);
      list.push(example);
    }
  });
  return [...byAccount.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([account, list]) => ({ account, label: list[0]?.label ?? 0, examples: list }));
}
