import { createHash } from 'node:crypto';
import { type MediaFormat, sniffMediaFormat } from '../content/index.js';
import type { EvidenceVault } from '../evidence/index.js';
import type { EventMedia, Match } from '../matching/index.js';

/** Matches named in the audit reason; the rest are counted (all are in the context). */
const namedMatches = 5;

/** The media type kept with an upload, from what its bytes are (not what the client said). */
function mediaTypeOf(format: MediaFormat | undefined): string {
  if (format === undefined) return 'application/octet-stream';
  if (format.kind === 'image') return `image/${format.format}`;
  const video: Readonly<Record<string, string>> = {
    mp4: 'video/mp4',
    quicktime: 'video/quicktime',
    matroska: 'video/x-matroska',
    avi: 'video/x-msvideo',
    flv: 'video/x-flv',
    mpegts: 'video/mp2t',
    mpeg: 'video/mpeg',
    asf: 'video/x-ms-asf',
    ogg: 'video/ogg',
  };
  return video[format.format] ?? 'application/octet-stream';
}

/** An entity id fit to be an evidence subject: printable, at most 200 characters. */
function subjectPart(value: unknown): value is string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return typeof value === 'string' && value.length > 0 && value.length <= 200 && !/[\u0000-\u001f\u007f]/.test(value);
}

/**
 * The evidence subject of an upload: its `user` entity (`user:u1`), else its first entity that is
 * plain text, else the upload's SHA-256 (`upload:sha256:…`), so `evidence list --subject` finds
 * what one account sent.
 */
function uploadSubject(entities: unknown, sha256: string): string {
  if (typeof entities === 'object' && entities !== null && !Array.isArray(entities)) {
    const record = entities as Record<string, unknown>;
    const roles = ['user', ...Object.keys(record).filter((role) => role !== 'user')];
    for (const role of roles) {
      if (/^[a-z][a-z0-9_]{0,63}$/.test(role) && subjectPart(record[role])) return `${role}:${record[role]}`;
    }
  }
  return `upload:sha256:${sha256}`;
}

/**
 * Keeps an uploaded file that matched a bank as evidence (only when the operator turned
 * preservation on): the bytes as sent, encrypted in the vault (kind `upload`), with the matches,
 * the route and the caller's entities as context, audited as the caller. Returns what the
 * `media.matched` event carries as `data.media`: the evidence id, and whether it is a video.
 * Called before the event is built, so the event names the kept file.
 */
export async function preserveMatchedUpload(
  vault: EvidenceVault,
  bytes: Uint8Array,
  context: {
    readonly matches: readonly Match[];
    readonly entities: unknown;
    readonly route: 'api' | 'hma';
    readonly actor: string;
  },
): Promise<EventMedia> {
  const format = await sniffMediaFormat(bytes);
  const named = context.matches.slice(0, namedMatches).map((match) => `${match.bank}#${match.contentId}`);
  const more = context.matches.length - named.length;
  const record = await vault.preserve({
    kind: 'upload',
    subject: uploadSubject(context.entities, createHash('sha256').update(bytes).digest('hex')),
    mediaType: mediaTypeOf(format),
    media: bytes,
    context: {
      route: context.route === 'api' ? 'POST /v1/match' : 'POST /m/lookup',
      matches: context.matches.map((match) => ({
        bank: match.bank,
        contentId: match.contentId,
        signalType: match.signalType,
        distance: match.distance,
      })),
      ...(context.entities !== undefined ? { entities: context.entities } : {}),
    },
    actor: context.actor,
    reason: `upload matched ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
  });
  return { evidenceId: record.id, kind: format?.kind === 'video' ? 'video' : 'image' };
}
