import type { BankRecord, BankService, ContentRecord } from '../../banks/index.js';
import { EngineError } from '../../core/index.js';
import type { HmaContentMetadata } from './content-metadata.js';
import { signalByRequestName, validateSignalValue } from './signal-names.js';
import { sortKeys } from './sorted-keys.js';

/** HMA's answer to an add: `{"id": 17, "signals": {"pdq": "<normalised value>"}}`. */
export interface HmaAddResult {
  readonly id: number;
  readonly signals: Record<string, string>;
}

/**
 * HMA 1.1.7's `_bank_add_signals`: validates `{"<signal type>": "<value>", …}` and stores the
 * values as **one** content item of `bank`, answering its id and the normalised values under
 * HMA's names (keys sorted).
 *
 * Idempotent where HMA is not: Prevail stores a value once per bank, so adding a value the bank
 * already holds answers 200 with the **existing** item's id (its note and metadata unchanged)
 * instead of creating a second item.
 *
 * @throws EngineError `CONTENT_INVALID` (`No signals given`), `SIGNAL_UNKNOWN` (`No such signal
 *   type <t>`, no quotes, as HMA), `SIGNAL_INVALID_HASH` (`Invalid <t> signal: <reason>`), all
 *   400.
 */
export async function addHmaSignals(
  banks: BankService,
  bank: BankRecord,
  requested: Readonly<Record<string, unknown>>,
  details: { readonly note: string | null; readonly metadata: HmaContentMetadata | undefined },
): Promise<HmaAddResult> {
  const entries = Object.entries(requested);
  if (entries.length === 0) throw new EngineError('CONTENT_INVALID', 'No signals given');
  const stored: Record<string, string> = {};
  const answered: Record<string, string> = {};
  for (const [name, value] of entries) {
    const signal = signalByRequestName(name);
    if (signal === undefined) throw new EngineError('SIGNAL_UNKNOWN', `No such signal type ${name}`);
    const checked = validateSignalValue(signal, value);
    if (!checked.ok) throw new EngineError('SIGNAL_INVALID_HASH', `Invalid ${name} signal: ${checked.reason}`);
    stored[signal.prevail] = checked.value;
    answered[signal.hma] = checked.value;
  }
  const signals = sortKeys(answered);
  const existing = await findExisting(banks, bank, stored);
  if (existing !== undefined) return { id: existing.id, signals };
  try {
    const content = await banks.addContent(bank.name, {
      signals: stored,
      note: details.note,
      ...(details.metadata !== undefined
        ? {
            externalId: details.metadata.externalId,
            contentUri: details.metadata.contentUri,
            metadata: details.metadata.json,
          }
        : {}),
    });
    return { id: content.id, signals };
  } catch (error) {
    // Another request may have added the same value in between: answer as for a duplicate.
    const raced = await findExisting(banks, bank, stored);
    if (raced !== undefined) return { id: raced.id, signals };
    throw error;
  }
}

async function findExisting(
  banks: BankService,
  bank: BankRecord,
  signals: Readonly<Record<string, string>>,
): Promise<ContentRecord | undefined> {
  for (const [type, value] of Object.entries(signals)) {
    const content = await banks.repository.findContentBySignal(bank.id, type, value);
    if (content !== undefined) return content;
  }
  return undefined;
}
