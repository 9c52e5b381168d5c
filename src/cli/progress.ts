import cliProgress from 'cli-progress';

/** A progress display for long runs; a no-op when stderr is not a terminal. */
export interface Progress {
  tick(): void;
  stop(): void;
}

/**
 * A progress bar on stderr for `total` items, shown only when `enabled` (stderr is a terminal
 * and the user did not pass `--no-progress`), so it never mixes into piped JSON or logs.
 */
export function startProgress(total: number, enabled: boolean, stream: NodeJS.WriteStream, label: string): Progress {
  if (!enabled || total < 2) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left | {rate}/s`,
      etaBuffer: 50,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { rate: '0' });
  let done = 0;
  return {
    tick() {
      done++;
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(1) : '0' });
    },
    stop() {
      bar.stop();
    },
  };
}
