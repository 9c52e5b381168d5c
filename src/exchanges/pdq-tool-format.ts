import { EngineError } from '../core/index.js';
import { checkValue, type LineParser, type ParserContext, quoteToken } from './line-parser.js';
import { rejection } from './types.js';

const hex64 = /^[0-9a-f]{64}$/i;
const keyValueField = /^\s*[A-Za-z_][A-Za-z0-9_]*=/;

/** True when `text` reads as a PDQ tool line: `hash=…`, or 64 hex characters then a comma. */
export function looksPdqTool(text: string): boolean {
  return /^\s*hash=/i.test(text) || /^\s*[0-9a-f]{64}\s*,/i.test(text);
}

/** What a PDQ tool line's metadata holds, or why it is unreadable. */
type Metadata = { readonly ok: true; readonly filename?: string } | { readonly ok: false; readonly reason: string };

/**
 * The `pdq-tool` format: hash files of the C++ PDQ tools (`pdq/cpp/io/hashio.cpp` reads them as a
 * 64-hex hash, optionally prefixed `hash=`, then everything after the first comma as metadata).
 * Metadata forms read:
 *
 * - plain, as `pdq-photo-hasher` prints: `hash,quality,filename` (also `--pdqdih-across`'s
 *   `hash,h2,…,h8,quality,filename`: the extra dihedral hashes are skipped, as the C++ loader
 *   does); the filename is everything after the quality's comma, commas included;
 * - key=value, as `--details` prints: `hash=…,norm=…,delta=…,quality=…,filename=…`; the filename
 *   is everything after `filename=`; other keys are ignored.
 *
 * The filename becomes `externalId`. A quality, when present, must be an integer 0–100, or the
 * line is rejected (it is most likely not a PDQ tool line at all). Only `pdq` values.
 *
 * @throws EngineError `IMPORT_INVALID_FORMAT` when the caller declared a signal type other than pdq.
 */
export function createPdqToolParser(context: ParserContext): LineParser {
  const declared = context.declaredSignalType;
  if (declared !== undefined && declared !== 'pdq') {
    throw new EngineError('IMPORT_INVALID_FORMAT', `pdq-tool files hold pdq hashes, not ${declared}`);
  }
  return (text, line) => {
    const body = text.trim().replace(/^hash=/i, '');
    const comma = body.indexOf(',');
    const check = checkValue('pdq', comma === -1 ? body : body.slice(0, comma));
    if (!check.ok) return rejection(line, check.reason, text);
    const metadata = comma === -1 ? { ok: true as const } : readMetadata(body.slice(comma + 1));
    if (!metadata.ok) return rejection(line, metadata.reason, text);
    const filename = metadata.filename?.trim();
    return {
      kind: 'entry',
      line,
      signalType: 'pdq',
      value: check.value,
      ...(filename ? { externalId: filename } : {}),
    };
  };
}

function readMetadata(metadata: string): Metadata {
  return keyValueField.test(metadata) ? readKeyValues(metadata) : readPlain(metadata);
}

function readKeyValues(metadata: string): Metadata {
  let rest = metadata;
  for (;;) {
    const trimmed = rest.trimStart();
    if (/^filename=/i.test(trimmed)) return { ok: true, filename: trimmed.slice('filename='.length) };
    const comma = rest.indexOf(',');
    const field = (comma === -1 ? rest : rest.slice(0, comma)).trim();
    const [key = '', value = ''] = field.split('=', 2);
    if (key.toLowerCase() === 'quality' && !isQuality(value)) return badQuality(value);
    if (comma === -1) return { ok: true };
    rest = rest.slice(comma + 1);
  }
}

function readPlain(metadata: string): Metadata {
  let rest = metadata;
  for (let skipped = 0; skipped < 7; skipped++) {
    const comma = rest.indexOf(',');
    const field = comma === -1 ? rest : rest.slice(0, comma);
    if (!hex64.test(field.trim())) break;
    rest = comma === -1 ? '' : rest.slice(comma + 1);
  }
  const comma = rest.indexOf(',');
  const quality = (comma === -1 ? rest : rest.slice(0, comma)).trim();
  if (quality !== '' && !isQuality(quality)) return badQuality(quality);
  return comma === -1 ? { ok: true } : { ok: true, filename: rest.slice(comma + 1) };
}

function isQuality(text: string): boolean {
  return /^\d{1,3}$/.test(text.trim()) && Number(text) <= 100;
}

function badQuality(text: string): Metadata {
  return { ok: false, reason: `invalid quality ${quoteToken(text.trim())}: expected an integer 0-100` };
}
