import { fileTypeFromBuffer } from 'file-type';

/**
 * Image container formats Prevail decodes, told apart by their leading bytes (never by file
 * name: a text file named `.jpg` is not a JPEG).
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heic';

/**
 * Video container formats Prevail hashes, told apart by their leading bytes (never by file name).
 * `video/` maps each to the ffmpeg demuxer that reads it, so that uploaded bytes are never
 * probed into ffmpeg's text formats (HLS playlists, concat lists).
 */
export type VideoFormat = 'mp4' | 'quicktime' | 'matroska' | 'avi' | 'flv' | 'mpegts' | 'mpeg' | 'asf' | 'ogg';

/** What some bytes are: an image or a video, and which container. */
export type MediaFormat =
  | { readonly kind: 'image'; readonly format: ImageFormat }
  | { readonly kind: 'video'; readonly format: VideoFormat };

/** `file-type` extensions → Prevail's formats (every other answer is "none we read"). */
const fromFileType: Readonly<Record<string, MediaFormat>> = {
  jpg: { kind: 'image', format: 'jpeg' },
  png: { kind: 'image', format: 'png' },
  apng: { kind: 'image', format: 'png' },
  webp: { kind: 'image', format: 'webp' },
  gif: { kind: 'image', format: 'gif' },
  // Camera raw files are TIFF containers; libvips reads them as TIFF (their first image).
  tif: { kind: 'image', format: 'tiff' },
  cr2: { kind: 'image', format: 'tiff' },
  nef: { kind: 'image', format: 'tiff' },
  dng: { kind: 'image', format: 'tiff' },
  arw: { kind: 'image', format: 'tiff' },
  mov: { kind: 'video', format: 'quicktime' },
  mkv: { kind: 'video', format: 'matroska' },
  webm: { kind: 'video', format: 'matroska' },
  avi: { kind: 'video', format: 'avi' },
  flv: { kind: 'video', format: 'flv' },
  mts: { kind: 'video', format: 'mpegts' },
  mpg: { kind: 'video', format: 'mpeg' },
  asf: { kind: 'video', format: 'asf' },
  ogv: { kind: 'video', format: 'ogg' },
  ogg: { kind: 'video', format: 'ogg' },
  ogx: { kind: 'video', format: 'ogg' },
};

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

/** The brands of an ISO-BMFF `ftyp` box that mean AVIF and HEIC respectively. */
const avifBrands = new Set(['avif', 'avis']);
const heicBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

/**
 * The fallback for ISO-BMFF files (`ftyp` box first), which `file-type` tells apart by the major
 * brand alone: an AVIF written with major brand `mif1` and `avif` among its compatible brands is
 * HEIF to `file-type`, but sharp decodes it natively as AVIF. So every brand is read (major and
 * compatible; AVIF wins when both appear), and any other `ftyp` file is an MP4-family video for
 * ffmpeg's `mov` demuxer, whatever its brand (`file-type` says `m4a` for an audio-only brand; the
 * video hasher then finds no frames, as it did before).
 */
function isoBaseMediaFormat(bytes: Uint8Array): MediaFormat | undefined {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const boxSize =
    ((bytes[0] as number) << 24) | ((bytes[1] as number) << 16) | ((bytes[2] as number) << 8) | (bytes[3] as number);
  const end = Math.min(bytes.length, Math.max(16, boxSize >>> 0));
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
  if (brands.some((brand) => avifBrands.has(brand))) return { kind: 'image', format: 'avif' };
  if (brands.some((brand) => heicBrands.has(brand))) return { kind: 'image', format: 'heic' };
  return { kind: 'video', format: 'mp4' };
}

/**
 * The one media-type sniffer: what `bytes` are, from their magic bytes (the well-kept
 * `file-type` library reads them; the ISO-BMFF brands, which it reads only in part, are read
 * here, see `isoBaseMediaFormat`), or `undefined` when they are no image or video Prevail reads.
 * Every path that must tell an image from a video — decoding, hashing, the HMA routes' content
 * type — asks this function, so they cannot disagree.
 *
 * @example (await sniffMediaFormat(readFileSync('clip.mp4')))?.kind === 'video'
 */
export async function sniffMediaFormat(bytes: Uint8Array): Promise<MediaFormat | undefined> {
  const isoBaseMedia = isoBaseMediaFormat(bytes);
  if (isoBaseMedia !== undefined) return isoBaseMedia;
  if (bytes.length === 0) return undefined;
  try {
    const detected = await fileTypeFromBuffer(bytes);
    return detected === undefined ? undefined : fromFileType[detected.ext];
  } catch {
    // file-type gives up on some malformed containers by throwing; those are no format we read.
    return undefined;
  }
}

/** The image format of `bytes` (see `sniffMediaFormat`), or `undefined` when they are no image we decode. */
export async function sniffImageFormat(bytes: Uint8Array): Promise<ImageFormat | undefined> {
  const media = await sniffMediaFormat(bytes);
  return media?.kind === 'image' ? media.format : undefined;
}
