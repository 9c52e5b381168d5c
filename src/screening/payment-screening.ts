import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../core/index.js';
import { type EngineOptions, openEngine, type SignalsEngine } from '../engine/index.js';
import { splitEntityKey } from '../events/index.js';
import type { PaymentRecord } from '../payments/index.js';
import { createOcsePaymentsPack, type PayerModelOptions, toPaymentEvent } from '../payments/index.js';
import type { BuiltinRuleSettings } from '../rules/index.js';
import { openStorage } from '../storage/index.js';

/** One alert of a batch screening: the JSONL line `prevail payments screen` prints. */
export interface ScreeningAlert {
  readonly subject: { readonly type: string; readonly id: string };
  readonly typology: string;
  /** The highest typology score the subject reached (points; the alert threshold is the typology's). */
  readonly score: number;
  /** One reason per contributing indicator, most points first; each cites its guidance. */
  readonly reasons: readonly string[];
  /** Time of the first and last payment that contributed (ISO-8601, UTC). */
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface ScreeningOptions {
  /** `ocse_payments` pack settings (corridors, bands…), as in `packs.yaml`. */
  readonly settings?: unknown;
  /** Built-in rule settings by rule id, as in `builtin-rules.yaml` (modes are forced active). */
  readonly rules?: Readonly<Record<string, BuiltinRuleSettings>>;
  /** Called after each batch with the number of payments processed so far. */
  readonly onProgress?: (processed: number) => void;
  /** Where the throwaway store goes (default the OS temporary directory). */
  readonly workDirectory?: string;
  /**
   * A trained payer model to run beside the rules (its `ocse_model_payer` alerts are reported
   * like any typology's), and/or a capture of the model's inputs at every payment it scores.
   */
  readonly payerModel?: PayerModelOptions;
}

/** The outcome of a screening: its alerts (sorted by typology, then score) and counts. */
export interface ScreeningResult {
  readonly alerts: readonly ScreeningAlert[];
  readonly payments: number;
  readonly duplicates: number;
}

/**
 * Runs `work` on an engine with the OCSE payments pack, every pack rule active (over
 * `options.rules`), on a throwaway embedded store in a fresh temporary directory that is deleted
 * afterwards: the engine back-tests and the payments benchmark run on. The store is opened
 * `throwaway` (no journal, no sync, no read-only indexes: see `StorageOptions.throwaway`), since
 * the result is what `work` returns, never the store.
 */
export async function withScreeningEngine<T>(
  options: Pick<ScreeningOptions, 'settings' | 'rules' | 'workDirectory' | 'payerModel'> & {
    readonly engine?: EngineOptions;
  },
  work: (engine: SignalsEngine) => Promise<T>,
): Promise<T> {
  const pack = createOcsePaymentsPack(
    options.settings,
    options.payerModel === undefined ? {} : { payerModel: options.payerModel },
  );
  const directory = await mkdtemp(join(options.workDirectory ?? tmpdir(), 'prevail-screen-'));
  const storage = await openStorage({ dataDir: directory, throwaway: true });
  try {
    const ruleSettings: Record<string, BuiltinRuleSettings> = {};
    for (const rule of pack.rules) ruleSettings[rule.id] = { ...options.rules?.[rule.id], mode: 'active' };
    const { engine } = await openEngine(storage.engine, undefined, {
      ...options.engine,
      packs: [pack],
      builtinRuleSettings: ruleSettings,
    });
    return await work(engine);
  } finally {
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Back-tests the OCSE payments pack on a batch of payments: runs them, in the order given,
 * through the full signals engine (features, every pack rule made active, typologies) on a
 * throwaway embedded store that is deleted afterwards, and returns every (subject, typology)
 * that reached its alert threshold. Nothing touches the operator's own store.
 *
 * @throws EngineError `EVENT_INVALID` when a payment does not make a valid event (naming it).
 */
export async function screenPayments(
  batches: AsyncIterable<readonly PaymentRecord[]> | Iterable<readonly PaymentRecord[]>,
  options: ScreeningOptions = {},
): Promise<ScreeningResult> {
  // A throwaway store needs no feature snapshots: nothing will ever restart from it.
  return withScreeningEngine({ ...options, engine: { snapshotEvery: Number.MAX_SAFE_INTEGER } }, async (engine) => {
    let payments = 0;
    let duplicates = 0;
    for await (const batch of batches) {
      const results = await engine.ingest(batch.map(toPaymentEvent));
      for (const result of results) {
        if (result.status === 'rejected') {
          const record = batch[result.index];
          const problems = result.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
          throw new EngineError('EVENT_INVALID', `payment ${record?.id ?? result.index}: ${problems}`);
        }
        if (result.status === 'duplicate') duplicates += 1;
      }
      payments += batch.length;
      options.onProgress?.(payments);
    }
    await engine.drain();
    const alerts = engine.typologyAlerts().map((alert): ScreeningAlert => {
      return {
        subject: splitEntityKey(alert.subject),
        typology: alert.typology,
        score: alert.score,
        reasons: alert.reasons,
        firstSeen: new Date(alert.firstSeenMs).toISOString(),
        lastSeen: new Date(alert.lastSeenMs).toISOString(),
      };
    });
    alerts.sort((a, b) =>
      a.typology === b.typology
        ? b.score - a.score || (a.subject.id < b.subject.id ? -1 : 1)
        : a.typology < b.typology
          ? -1
          : 1,
    );
    return { alerts, payments, duplicates };
  });
}
