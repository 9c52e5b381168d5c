import { EngineError } from '../../core/index.js';
import type { Match, Matcher } from '../../matching/index.js';
import { type HmaSignalName, hmaDistance, signalByRequestName, validateSignalValue } from './signal-names.js';

/** One entry of an HMA match list: `{"bank_content_id": 16, "distance": "0"}`. */
export interface HmaMatch {
  readonly bank_content_id: number;
  readonly distance: string;
}

/** `/m/lookup`'s answer for one signal: bank name → its matches. */
export type HmaBankMatches = Record<string, HmaMatch[]>;

/**
 * Checks a looked-up signal as HMA's matcher does, in its order: the type must exist
 * (`No such SignalType '<t>'`), the value must be valid for it (`invalid signal: <reason>`),
 * and its index must be loaded (503 `index not yet ready`).
 *
 * @throws EngineError `SIGNAL_UNKNOWN`, `SIGNAL_INVALID_HASH` (400), `INDEX_NOT_READY` (503).
 */
export function checkLookupSignal(
  matcher: Matcher,
  signalTypeName: string,
  value: unknown,
): { signal: HmaSignalName; value: string } {
  const signal = signalByRequestName(signalTypeName);
  if (signal === undefined) throw new EngineError('SIGNAL_UNKNOWN', `No such SignalType '${signalTypeName}'`);
  const checked = validateSignalValue(signal, value);
  if (!checked.ok) throw new EngineError('SIGNAL_INVALID_HASH', `invalid signal: ${checked.reason}`);
  const status = matcher.status().find((entry) => entry.signalType === signal.prevail);
  if (status === undefined) throw new EngineError('SIGNAL_UNKNOWN', `No such SignalType '${signalTypeName}'`);
  if (!status.ready) throw new EngineError('INDEX_NOT_READY', 'index not yet ready');
  return { signal, value: checked.value };
}

/**
 * Groups actionable matches as `/m/lookup` returns them: bank keys sorted, each bank's entries
 * in ascending content id, one entry per content id, and **no bank without a match** (policyserv
 * counts every key as a hit, so an empty array would be a false positive). `{}` when nothing
 * matched.
 */
export function groupByBank(matches: readonly Match[]): HmaBankMatches {
  const byBank = new Map<string, Map<number, Match>>();
  for (const match of matches) {
    let entries = byBank.get(match.bank);
    if (entries === undefined) {
      entries = new Map();
      byBank.set(match.bank, entries);
    }
    const previous = entries.get(match.contentId);
    if (previous === undefined || match.distance < previous.distance) entries.set(match.contentId, match);
  }
  const result: HmaBankMatches = {};
  for (const bank of [...byBank.keys()].sort()) {
    const entries = [...(byBank.get(bank)?.values() ?? [])].sort((a, b) => a.contentId - b.contentId);
    if (entries.length === 0) continue;
    result[bank] = entries.map((match) => ({
      bank_content_id: match.contentId,
      distance: hmaDistance(match.signalType, match.distance),
    }));
  }
  return result;
}

/** One signal's lookup: HMA's answer, and what a `media.matched` event of the lookup needs. */
export interface SignalLookup {
  /** What `/m/lookup` answers for the signal. */
  readonly byBank: HmaBankMatches;
  /** The actionable matches behind `byBank`. */
  readonly matches: readonly Match[];
  /** The looked-up value, under Prevail's signal name (`md5` for HMA's `video_md5`). */
  readonly signal: { readonly name: string; readonly value: string };
}

/**
 * HMA's `lookup(signal, signal_type)`: checks the signal, finds enabled content in the banks that
 * take part (those whose enabled ratio is at least `coinflip`, all when it is absent; only
 * `banks` when given), and groups the actionable matches by bank. Matches held back by negative
 * banks or flood protection are not listed: only actionable matches reach HMA clients.
 */
export async function lookupSignal(
  matcher: Matcher,
  signalTypeName: string,
  value: unknown,
  options: { readonly banks: readonly string[] | undefined; readonly coinflip: number | undefined },
): Promise<SignalLookup> {
  const checked = checkLookupSignal(matcher, signalTypeName, value);
  const outcome = await matcher.match(
    { signals: { [checked.signal.prevail]: checked.value } },
    {
      ...(options.banks !== undefined ? { banks: options.banks } : {}),
      ...(options.coinflip !== undefined ? { coinflip: options.coinflip } : {}),
    },
  );
  return {
    byBank: groupByBank(outcome.matches),
    matches: outcome.matches,
    signal: { name: checked.signal.prevail, value: checked.value },
  };
}
