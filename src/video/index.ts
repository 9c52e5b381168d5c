/**
 * Video decoding through ffmpeg: where ffmpeg is, what a video holds, and its frames as RGB24.
 * Every consumer of video frames (the vPDQ signal, the live stream sampler) reads them here.
 */
export { ffmpegPath, useFfmpeg } from './ffmpeg-path.js';
export {
  defaultFramesPerSecond,
  type FrameReaderOptions,
  readFrames,
  type VideoFrame,
} from './frame-reader.js';
export { probeVideo, type VideoProbe } from './probe-video.js';
export { videoDemuxers } from './video-format.js';
