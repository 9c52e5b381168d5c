import { EngineError, jsonDepth } from '../core/index.js';
import type { ExchangeRecord } from '../exchanges/index.js';
import { signalTypeByName } from '../signals/index.js';
import type { UpstreamItem } from './exchange-records.js';

/** Longest upstream key kept (longer keys are skipped and counted). */
export const maxUpstreamKeyLength = 1024;
/** Largest upstream metadata kept per item, as JSON text; larger is replaced by a note. */
export const maxUpstreamMetadataLength = 65_536;
/** Deepest upstream metadata kept. */
export const maxUpstreamMetadataDepth = 32;

/** Why an upstream key cannot be stored, or undefined when it can. */
export function badKeyReason(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'the key is not a non-empty string';
  if (key.length > maxUpstreamKeyLength) return `the key is longer than ${maxUpstreamKeyLength} characters`;
  if (/[\p{Cc}]/u.test(key) || /[\uD800-\uDFFF]/u.test(key.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    return 'the key holds a control character or a lone surrogate';
  }
  return undefined;
}

/**
 * An upstream record as the bank stores it: each signal checked by its signal type (unknown
 * types and malformed values are dropped and counted, as pytx's `naive_convert` does, never
 * stored), one value per type, the metadata kept verbatim unless it is not a JSON object, over
 * 64 KiB or deeper than 32 levels (then a note says so). A record left with no signal is `null`:
 * the key is removed, as HMA removes data with no convertible signal.
 */
export function toUpstreamItem(record: ExchangeRecord): { item: UpstreamItem | null; droppedSignals: number } {
  const signals: Record<string, string> = {};
  let droppedSignals = 0;
  for (const signal of Array.isArray(record.signals) ? record.signals : []) {
    try {
      const type = signalTypeByName(String(signal.signalType));
      const value = type.parse(String(signal.value));
      if (signals[type.name] !== undefined && signals[type.name] !== value) {
        droppedSignals++;
        continue;
      }
      signals[type.name] = value;
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      droppedSignals++;
    }
  }
  if (Object.keys(signals).length === 0) return { item: null, droppedSignals };
  return { item: { signals, metadata: keptMetadata(record.metadata) }, droppedSignals };
}

function keptMetadata(metadata: unknown): Readonly<Record<string, unknown>> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return {};
  let text: string;
  try {
    text = JSON.stringify(metadata);
  } catch {
    return { prevail_metadata_dropped: 'not JSON' };
  }
  if (text.length > maxUpstreamMetadataLength) {
    return { prevail_metadata_dropped: `larger than ${maxUpstreamMetadataLength} characters of JSON` };
  }
  if (jsonDepth(text, maxUpstreamMetadataDepth + 1) > maxUpstreamMetadataDepth) {
    return { prevail_metadata_dropped: `nested deeper than ${maxUpstreamMetadataDepth} levels` };
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The progress time a checkpoint claims (`progressTimestamp`, Unix seconds), clamped to never go
 * below the last committed one: upstreams that step back (StopNCII's `nextSetTimestamp`) are
 * recorded at their running maximum instead of failing the fetch as HMA's assertion does.
 */
export function clampProgress(previous: number | null, checkpoint: Readonly<Record<string, unknown>>): number | null {
  const claimed = checkpoint.progressTimestamp;
  const next = typeof claimed === 'number' && Number.isFinite(claimed) && claimed >= 0 ? Math.floor(claimed) : null;
  if (next === null) return previous;
  return previous === null ? next : Math.max(previous, next);
}
