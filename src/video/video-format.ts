/**
 * Video container formats, told apart by their leading bytes (never by file name), each with the
 * ffmpeg demuxer that reads it. Naming the demuxer (`-f`) instead of letting ffmpeg probe keeps
 * uploaded bytes away from ffmpeg's text formats (HLS playlists, concat lists), which can point
 * ffmpeg at other files or at URLs.
 */
export type VideoFormat = 'mp4' | 'quicktime' | 'matroska' | 'avi' | 'flv' | 'mpegts' | 'mpeg' | 'asf' | 'ogg';

/** The ffmpeg demuxer of each format (`ffmpeg -demuxers`). */
export const videoDemuxers: Readonly<Record<VideoFormat, string>> = {
  mp4: 'mov',
  quicktime: 'mov',
  matroska: 'matroska',
  avi: 'avi',
  flv: 'flv',
  mpegts: 'mpegts',
  mpeg: 'mpeg',
  asf: 'asf',
  ogg: 'ogg',
};

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

/** QuickTime atoms a `.mov` without an `ftyp` box may start with. */
const quicktimeAtoms = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/**
 * The video container of `bytes` from its magic bytes, or `undefined` when it is none of the
 * formats above. ISO-BMFF files (`ftyp`) are reported as `mp4` whatever their brand, so call this
 * after image sniffing: HEIC and AVIF images are ISO-BMFF too.
 *
 * @example sniffVideoFormat(readFileSync('clip.mp4')) === 'mp4'
 */
export function sniffVideoFormat(bytes: Uint8Array): VideoFormat | undefined {
  if (bytes.length < 12) return undefined;
  const box = ascii(bytes, 4, 8);
  if (box === 'ftyp') return 'mp4';
  if (quicktimeAtoms.has(box)) return 'quicktime';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'matroska';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'AVI ') return 'avi';
  if (ascii(bytes, 0, 3) === 'FLV') return 'flv';
  if (bytes[0] === 0x47 && bytes.length > 376 && bytes[188] === 0x47 && bytes[376] === 0x47) return 'mpegts';
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0xba) return 'mpeg';
  const asf = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11];
  if (asf.every((value, index) => bytes[index] === value)) return 'asf';
  if (ascii(bytes, 0, 4) === 'OggS') return 'ogg';
  return undefined;
}
