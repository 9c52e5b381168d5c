/**
 * Command-line options of the side-by-side benchmarks (`payments`, `chat`, `rules`): whole-number
 * options, text options, and the options every one of them takes to compare this code with
 * another commit's (`--before DIR`, `--repeat R`, `--detection-changed`).
 */

/** The whole number after `name` in `args` (at least `least`), or `fallback` when absent. */
export function option(args: readonly string[], name: string, fallback: number, least: 0 | 1 = 1): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < least)
    throw new Error(`${name} takes a ${least === 1 ? 'positive ' : ''}whole number`);
  return value;
}

/** The value of a text option, or undefined when absent. */
export function textOption(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} takes a value`);
  return value;
}

/** How the two sides are compared. */
export interface SideOptions {
  /** A worktree of another commit, built there, run as the before side; none: this code only. */
  readonly beforeDirectory: string | undefined;
  /** Runs of each side, taken in turns (default 3). */
  readonly repeat: number;
  /** The detection changed between the sides: each side is only held to give the same results as itself. */
  readonly detectionChanged: boolean;
}

/** `--before DIR`, `--repeat R` (default 3) and `--detection-changed` from `args`. */
export function sideOptions(args: readonly string[]): SideOptions {
  return {
    beforeDirectory: textOption(args, '--before'),
    repeat: option(args, '--repeat', 3),
    detectionChanged: args.includes('--detection-changed'),
  };
}
