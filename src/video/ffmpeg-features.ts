import { execFile } from 'node:child_process';

const fpsModeSupport = new Map<string, Promise<boolean>>();

/**
 * Whether this ffmpeg knows `-fps_mode` (ffmpeg 5.1 and later), which replaced the deprecated
 * `-vsync`. Read once per executable from `ffmpeg -h long` and cached for the process lifetime;
 * any failure answers `false`, and `-vsync passthrough` then works on every version since 2012.
 */
export function supportsFpsMode(executable: string): Promise<boolean> {
  let answer = fpsModeSupport.get(executable);
  if (answer === undefined) {
    answer = new Promise((resolve) => {
      execFile(executable, ['-hide_banner', '-h', 'long'], { maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
        resolve(error === null && /^-fps_mode\b/m.test(stdout));
      });
    });
    fpsModeSupport.set(executable, answer);
  }
  return answer;
}
