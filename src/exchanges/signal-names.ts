import { signalTypeByName, signalTypes } from '../signals/index.js';

/**
 * Names other tools give to Prevail's signal types, mapped to Prevail's names. Only names that
 * python-threatexchange (and so HMA) actually uses: `SignalType.get_name()` is derived from the
 * class name, so `VideoMD5Signal` is `video_md5`, the pre-1.0 `PhotoMD5Signal` was `photo_md5`,
 * and `VideoSHA256Signal` is `video_sha256`. `pdq` is the same name in both. python-threatexchange's
 * `VideoTmkPdqfSignal` (`signal_type/video_tmk_pdqf.py`, ThreatExchange indicator type `HASH_TMK`)
 * is `video_tmk_pdqf`; its lines are read as `tmk_pdqf` values, so one that is not base64 of a
 * TMK+PDQF `.tmk` file is rejected on its line (`SIGNAL_INVALID_HASH`), not stored.
 */
const signalNameAliases: ReadonlyMap<string, string> = new Map([
  ['video_md5', 'md5'],
  ['photo_md5', 'md5'],
  ['video_sha256', 'sha256'],
  ['video_tmk_pdqf', 'tmk_pdqf'],
]);

/**
 * ThreatExchange indicator types (the `<INDICATOR_TYPE>` of `simple.<INDICATOR_TYPE>.te`, the
 * `type` of an indicator) mapped to Prevail's signal names. `HASH_MD5` and `HASH_VIDEO_MD5` are
 * both file MD5s (pytx maps `HASH_MD5` to `video_md5` only when tagged `media_type_video`; Prevail
 * has one `md5` signal for any file). `HASH_SHA256` / `HASH_VIDEO_SHA256` likewise. `HASH_TMK` is
 * not mapped: pytx never hashed or compared it (a `SimpleSignalType` with a TODO) and no published
 * source says its values are the base64 `.tmk` files `tmk_pdqf` holds.
 */
const indicatorTypes: ReadonlyMap<string, string> = new Map([
  ['HASH_PDQ', 'pdq'],
  ['HASH_MD5', 'md5'],
  ['HASH_VIDEO_MD5', 'md5'],
  ['HASH_SHA256', 'sha256'],
  ['HASH_VIDEO_SHA256', 'sha256'],
]);

/** The indicator type Prevail writes for each of its signals in `te-csv` exports. */
const indicatorTypeBySignal: ReadonlyMap<string, string> = new Map([
  ['pdq', 'HASH_PDQ'],
  ['md5', 'HASH_MD5'],
  ['sha256', 'HASH_SHA256'],
]);

const knownNames = new Set(signalTypes.map((type) => type.name));

/**
 * Prevail's name for a signal type named `name` in a file (case-insensitive; pytx aliases
 * accepted), or `undefined` when Prevail has no such signal.
 */
export function resolveSignalName(name: string): string | undefined {
  const lower = name.toLowerCase();
  const canonical = signalNameAliases.get(lower) ?? lower;
  return knownNames.has(canonical) ? canonical : undefined;
}

/**
 * Prevail's name for a signal type a caller declared (`--signal-type`), aliases accepted.
 *
 * @throws EngineError `SIGNAL_UNKNOWN` listing the known names: the caller typed it, so it is
 *   reported as the caller's mistake before any line is read.
 */
export function declaredSignalName(name: string): string {
  return resolveSignalName(name) ?? signalTypeByName(name).name;
}

/** Prevail's signal name for a ThreatExchange indicator type (case-insensitive), if it has one. */
export function signalForIndicatorType(indicatorType: string): string | undefined {
  return indicatorTypes.get(indicatorType.toUpperCase());
}

/** The ThreatExchange indicator type `te-csv` exports write for a Prevail signal, if any. */
export function indicatorTypeForSignal(signalType: string): string | undefined {
  return indicatorTypeBySignal.get(signalType);
}

/**
 * The indicator type a ThreatExchange cache file's name declares: the dot-separated part just
 * before a final `.te`, as in pytx's `simple.HASH_PDQ.te` and HMA's `<privacy group>.hash_pdq.te`
 * (any directory part is ignored). `undefined` when the name does not end in `.te`.
 */
export function indicatorTypeFromFileName(fileName: string): string | undefined {
  const base = fileName.split(/[/\\]/).pop() ?? '';
  const match = /(?:^|\.)([^.]+)\.te$/i.exec(base);
  return match?.[1]?.toUpperCase();
}
