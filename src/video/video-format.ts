import type { VideoFormat } from '../content/index.js';

/**
 * The ffmpeg demuxer of each video container `sniffMediaFormat` (in `content/`) tells apart
 * (`ffmpeg -demuxers`). Naming the demuxer (`-f`) instead of letting ffmpeg probe keeps uploaded
 * bytes away from ffmpeg's text formats (HLS playlists, concat lists), which can point ffmpeg at
 * other files or at URLs.
 */
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
