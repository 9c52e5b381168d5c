import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EngineError } from '../core/index.js';

/** Where Debian, Ubuntu and most Linux distributions install ffmpeg. */
const systemFfmpeg = '/usr/bin/ffmpeg';

let configuredFfmpeg: string | undefined;

/**
 * Sets the ffmpeg executable the operator chose (the `PREVAIL_FFMPEG` setting), once, at the
 * composition root; `undefined` goes back to the lookup below.
 */
export function useFfmpeg(path: string | undefined): void {
  configuredFfmpeg = path === '' ? undefined : path;
}

/**
 * The ffmpeg executable Prevail decodes video with, looked up in this order:
 * 1. the `PREVAIL_FFMPEG` setting (`useFfmpeg`), taken as given (an operator's explicit choice
 *    is never second-guessed);
 * 2. `/usr/bin/ffmpeg`, then `ffmpeg` on `PATH` (a maintained, system-updated build).
 *
 * Only the system's ffmpeg (or the operator's): ffmpeg decodes untrusted video, so it must be a
 * build that gets security updates. No npm package ships one (the old `@ffmpeg-installer/ffmpeg`
 * fallback, a 2018 static build, was dropped for that reason).
 *
 * The lookup runs on every call (a few `access` calls), so a changed environment is seen at once.
 *
 * @throws EngineError `VIDEO_DECODER_MISSING` when none of them exists.
 * @example
 * spawn(ffmpegPath(), ['-version']);
 */
export function ffmpegPath(): string {
  if (configuredFfmpeg !== undefined) return configuredFfmpeg;
  if (isExecutable(systemFfmpeg)) return systemFfmpeg;
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    if (isExecutable(candidate)) return candidate;
  }
  throw new EngineError(
    'VIDEO_DECODER_MISSING',
    'no ffmpeg found: install ffmpeg (apt-get install ffmpeg) or set PREVAIL_FFMPEG to its path',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
