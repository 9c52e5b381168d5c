/**
 * What Prevail reads from ffmpeg's own stderr (`-loglevel info`): the stream description it prints
 * before the first frame, and the last lines for error messages. Parsing the same process's stderr
 * works for files and for live URLs alike, where the frame size is known only after connecting,
 * and needs no `ffprobe` (not every ffmpeg install has it).
 */

/** The video stream as ffmpeg describes it. */
export interface StreamDescription {
  readonly width: number;
  readonly height: number;
  /** Frames per second of the stream (`fps`, else `tbr`); 0 when ffmpeg printed neither. */
  readonly fps: number;
}

/** How many trailing stderr lines are kept for error messages (bounded for long live streams). */
const keptLines = 20;

/**
 * Accumulates ffmpeg's stderr text. Invariant: memory stays bounded however long ffmpeg runs —
 * only the header (until the output stream is described) and the last `keptLines` lines are kept.
 */
export class FfmpegLog {
  #partial = '';
  #section: 'none' | 'input' | 'output' = 'none';
  #input: StreamDescription | undefined;
  #output: StreamDescription | undefined;
  #duration: number | null | undefined;
  readonly #lastLines: string[] = [];
  readonly #waiters: (() => void)[] = [];
  /** Presentation times (s) printed by `showinfo`, not yet taken; one per frame written. */
  readonly #presentationTimes: number[] = [];
  #ended = false;
  #onPresentationTime: (() => void) | undefined;

  /** Adds a piece of stderr text (any split; lines are joined across pieces). */
  append(text: string): void {
    const lines = (this.#partial + text).split(/\r\n|\r|\n/);
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** Flushes a last line that had no newline (call when stderr has ended). */
  end(): void {
    if (this.#partial !== '') this.#line(this.#partial);
    this.#partial = '';
    this.#ended = true;
    this.#wake();
    this.#onPresentationTime?.();
  }

  /**
   * The presentation time of the next frame ffmpeg wrote, in seconds, as its `showinfo` filter
   * printed it (`pts_time:`), in frame order; NaN for a frame without one, `undefined` when stderr
   * ended without one. ffmpeg
   * prints a frame's line before it writes the frame to its output, so the line is on its way when
   * the frame arrives; waiting for it is waiting for the other pipe. Taken times are forgotten, so
   * memory stays bounded however long ffmpeg runs.
   */
  async nextPresentationTime(): Promise<number | undefined> {
    while (this.#presentationTimes.length === 0 && !this.#ended) {
      await new Promise<void>((resolve) => {
        this.#onPresentationTime = resolve;
      });
      this.#onPresentationTime = undefined;
    }
    return this.#presentationTimes.shift();
  }

  /** The first video stream of the input, once described. */
  get input(): StreamDescription | undefined {
    return this.#input;
  }

  /** The video stream ffmpeg writes (its size is the size of the raw frames), once described. */
  get output(): StreamDescription | undefined {
    return this.#output;
  }

  /** The input duration in seconds; `null` for `Duration: N/A` (live); `undefined` until read. */
  get durationSeconds(): number | null | undefined {
    return this.#duration;
  }

  /** Resolves when the output stream has been described or `end()` was called. */
  whenOutputKnown(): Promise<void> {
    if (this.#output !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * The most telling recent line for an error message: the last one that is not ffmpeg's final
   * statistics, or `fallback` when ffmpeg printed nothing useful.
   */
  lastError(fallback: string): string {
    for (let index = this.#lastLines.length - 1; index >= 0; index -= 1) {
      const line = (this.#lastLines[index] ?? '').trim();
      if (line === '' || /^(frame=|video:|\[.*\] ?(frame|video)|Conversion failed!$)/.test(line)) continue;
      return line;
    }
    return fallback;
  }

  #line(line: string): void {
    const shown = /^\[Parsed_showinfo_\d+ @ [^\]]*\]\s*(.*)$/.exec(line);
    if (shown !== null) {
      // One `n: … pts_time:T` line per frame (`NOPTS` when the frame has none: NaN keeps the count).
      const time = /\bpts_time:\s*(\S+)/.exec(shown[1] ?? '');
      if (time !== null) {
        this.#presentationTimes.push(Number(time[1]));
        this.#onPresentationTime?.();
      }
      return;
    }
    this.#lastLines.push(line);
    if (this.#lastLines.length > keptLines) this.#lastLines.shift();
    if (this.#output !== undefined) return;
    if (/^Input #0\b/.test(line)) this.#section = 'input';
    else if (/^Output #0\b/.test(line)) this.#section = 'output';
    else if (/^\S/.test(line) && !/^(Input|Output) #/.test(line)) this.#section = 'none';
    const duration = /^\s+Duration: (N\/A|(\d+):(\d{2}):(\d{2}(?:\.\d+)?))/.exec(line);
    if (duration !== null && this.#section === 'input' && this.#duration === undefined) {
      this.#duration =
        duration[1] === 'N/A' ? null : Number(duration[2]) * 3600 + Number(duration[3]) * 60 + Number(duration[4]);
    }
    const stream = parseVideoStreamLine(line);
    if (stream === undefined) return;
    if (this.#section === 'input' && this.#input === undefined) this.#input = stream;
    if (this.#section === 'output') {
      this.#output = stream;
      this.#wake();
    }
  }

  #wake(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

/**
 * Reads `Stream #0:0[0x1](eng): Video: h264 (Main) (…), yuv420p(progressive), 1280x720 [SAR 1:1 DAR
 * 16:9], 877 kb/s, 30 fps, 30 tbr, 15360 tbn` (the format of ffmpeg 4 to 7). The size is the first
 * `, WxH` field, which skips codec tags such as `0x31637661`.
 */
export function parseVideoStreamLine(line: string): StreamDescription | undefined {
  if (!/^\s*Stream #\d+:\d+.*?: Video: /.test(line)) return undefined;
  const size = /, (\d+)x(\d+)(?=[\s,[]|$)/.exec(line);
  if (size === null) return undefined;
  const fps = /, (\d+(?:\.\d+)?)(k?) fps\b/.exec(line) ?? /, (\d+(?:\.\d+)?)(k?) tbr\b/.exec(line);
  const printed = fps === null ? 0 : Number(fps[1]) * (fps[2] === 'k' ? 1000 : 1);
  return { width: Number(size[1]), height: Number(size[2]), fps: exactFrameRate(printed) };
}

/**
 * ffmpeg prints a rate with two decimals (`23.98`, `29.97`); the NTSC rates behind them are
 * `N·1000/1001`. Restoring them keeps `frame / fps` timestamps within a millisecond on long videos,
 * as vpdq computes them from the exact rational rate.
 */
export function exactFrameRate(printed: number): number {
  if (!Number.isFinite(printed) || printed <= 0) return 0;
  if (Number.isInteger(printed)) return printed;
  const whole = Math.round((printed * 1001) / 1000);
  const ntsc = (whole * 1000) / 1001;
  return Math.abs(ntsc - printed) < 0.006 ? ntsc : printed;
}
