import sharp from 'sharp';
import type { EvidenceRecord, EvidenceVault } from '../evidence/index.js';
import type { VideoFrame } from '../video/index.js';
import type { FrameMatch } from './stream-types.js';

/**
 * Keeps a matched stream frame as evidence (only when the operator turned preservation on): the
 * frame as PNG, encrypted in the vault with the stream, its time and the bank matches as context.
 * The frame buffer is encoded before this resolves, so the reader may reuse it afterwards.
 */
export async function preserveMatchedFrame(
  vault: EvidenceVault,
  frame: VideoFrame,
  context: { streamEntity: string; t: number; matches: readonly FrameMatch[]; eventId: string | null },
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
    reason: `live-stream frame matched ${context.matches.map((match) => `${match.bank}#${match.contentId}`).join(', ')}`,
  });
}
