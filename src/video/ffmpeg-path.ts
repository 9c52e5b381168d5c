import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
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
 * 2. `/usr/bin/ffmpeg`, then `ffmpeg` on `PATH` (a maintained, system-updated build);
 * 3. the binary of the optional npm package `@ffmpeg-installer/ffmpeg` (an old 2018 static build,
 *    kept only so that `npm install` alone gives a working decoder).
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
  const bundled = bundledFfmpeg();
  if (bundled !== undefined && isExecutable(bundled)) return bundled;
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

/** The path `@ffmpeg-installer/ffmpeg` reports, or `undefined` when the optional package is absent. */
function bundledFfmpeg(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const installer = require('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    return typeof installer.path === 'string' ? installer.path : undefined;
  } catch {
    return undefined;
  }
}
