import { EngineError } from '../../core/index.js';
import type { IndexStatus, Matcher } from '../../matching/index.js';
import { type HmaSignalName, hmaConfiguredSignals, signalByRequestName } from './signal-names.js';

/** One entry of `GET /m/index/status`, keys in HMA's (sorted) order. */
export interface HmaIndexStatus {
  readonly built_to: number;
  readonly present: boolean;
  readonly size: number;
}

/** Unix seconds of an ISO time, or -1 (HMA's "never"). */
export function unixSecondsOrNever(iso: string | null): number {
  return iso === null ? -1 : Math.floor(Date.parse(iso) / 1000);
}

/**
 * The signal types a status route reports: HMA's configured ones (`pdq`, `video_md5`), or the
 * one named by `?signal_type=` (Prevail's `md5` and `sha256` names are accepted too).
 *
 * @throws EngineError `SIGNAL_UNKNOWN` (400 `No such signal type '<t>'`, HMA's text).
 */
export function statusSignals(signalType: string | undefined): readonly HmaSignalName[] {
  if (signalType === undefined) return hmaConfiguredSignals;
  const signal = signalByRequestName(signalType);
  if (signal === undefined) throw new EngineError('SIGNAL_UNKNOWN', `No such signal type '${signalType}'`);
  return [signal];
}

/** The matcher's status of the index holding `signal`, if it has one. */
export function indexStatusOf(matcher: Matcher, signal: HmaSignalName): IndexStatus | undefined {
  return matcher.status().find((entry) => entry.signalType === signal.prevail);
}

/**
 * `GET /m/index/status`: `{"pdq": {"built_to", "present", "size"}, …}`. Prevail's indexes follow
 * every change as it is committed, so `present` is "loaded", `size` the live entry count and
 * `built_to` the Unix time of the last change applied (-1 while loading); HMA's e2e test checks
 * `present == true` and `size == 16` after adding 16 hashes.
 */
export function matcherIndexStatus(matcher: Matcher, signalType: string | undefined): Record<string, HmaIndexStatus> {
  const result: Record<string, HmaIndexStatus> = {};
  for (const signal of statusSignals(signalType)) {
    const status = indexStatusOf(matcher, signal);
    result[signal.hma] =
      status === undefined || !status.ready
        ? { built_to: -1, present: false, size: 0 }
        : { built_to: unixSecondsOrNever(status.updatedAt ?? status.loadedAt), present: true, size: status.size };
  }
  return result;
}
