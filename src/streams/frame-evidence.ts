import sharp from 'sharp';
import type { EvidenceRecord, EvidenceVault } from '../evidence/index.js';
import type { MatchJson } from '../matching/index.js';
import type { VideoFrame } from '../video/index.js';

/** Matches named in the audit reason (bank names are at most 255 characters); the rest are counted (all are in the context). */
const namedMatches = 5;

/** The audit reason: the first matches by bank and content id, so it stays within the reason limit. */
function matchedReason(matches: readonly MatchJson[]): string {
  const named = matches.slice(0, namedMatches).map((match) => `${match.bank}#${match.contentId}`);
  const more = matches.length - named.length;
  return `live-stream frame matched ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * Keeps a matched stream frame as evidence (only when the operator turned preservation on): the
 * frame as PNG, encrypted in the vault with the stream, its time and the bank matches as context.
 * The frame buffer is encoded before this resolves, so the reader may reuse it afterwards.
 */
export async function preserveMatchedFrame(
  vault: EvidenceVault,
  frame: VideoFrame,
  context: { streamEntity: string; t: number; matches: readonly MatchJson[]; eventId: string | null },
): Promise<EvidenceRecord> {
  const png = await sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .png()
    .toBuffer();
  return vault.preserve({
    kind: 'stream_frame',
    subject: `stream:${context.streamEntity}`,
    mediaType: 'image/png',
    media: png,
    context: { t: context.t, event: context.eventId, matches: context.matches },
    actor: 'system:streams',
    reason: matchedReason(context.matches),
  });
}
