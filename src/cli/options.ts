import { type Command, InvalidArgumentError } from 'commander';
import { checkReason } from '../audit/index.js';
import { isAddressOrRange } from '../config/index.js';
import { EngineError } from '../core/index.js';
import { type ExtraFrameView, parseExtraFrameViews } from '../streams/index.js';
import { cliSettings } from './cli-settings.js';

/** Parses a positive integer option (`--max-pixels 5000000`), for commander. */
export function positiveInteger(value: string): number {
  const parsed = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

/** Parses a whole number ≥ 0 option (`--stream-hash-workers 0`), for commander. */
export function nonNegativeInteger(value: string): number {
  const parsed = Number(value.replace(/_/g, ''));
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError('expected a whole number >= 0');
  }
  return parsed;
}

/**
 * Parses `--reason <why>` with the audit log's one rule for reasons (non-blank text, at most
 * 2,000 characters), so a blank reason is refused with `REASON_REQUIRED` before the command
 * reads or changes anything. Every command that takes a reason uses this.
 */
export function reasonOption(value: string): string {
  return checkReason(value, '--reason');
}

/** Parses a comma-separated list option into trimmed, non-empty entries. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * The parser of a repeatable option naming extra stream views (`watch --extra-views`, `serve
 * --stream-extra-views`), for commander: each use is parsed by `parseExtraFrameViews` of
 * `src/streams/` (the one list of names) and added to the earlier ones, without repeats. A bad
 * value is a usage error, as for every other option (exit status 2).
 */
export function extraViewsOption(flag: string): (value: string, previous?: ExtraFrameView[]) => ExtraFrameView[] {
  return (value, previous = []) => {
    try {
      return [...new Set([...previous, ...parseExtraFrameViews(value, flag)])];
    } catch (error) {
      if (error instanceof EngineError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** A comma-separated list of IP addresses and CIDR ranges (`10.0.0.0/8`), each checked. */
export function addressList(value: string): string[] {
  const entries = commaList(value);
  const bad = entries.find((entry) => !isAddressOrRange(entry));
  if (bad !== undefined)
    throw new InvalidArgumentError(`"${bad}" is not an IP address or a CIDR range such as 10.0.0.0/8`);
  return entries;
}

/**
 * The URL policy options of every command that fetches media: `--url-timeout`, `--allow-host`
 * and `--allow-private`, with their environment variables.
 */
export function withUrlOptions(command: Command): Command {
  return command
    .option(
      '--url-timeout <ms>',
      'deadline for fetching one URL (env PREVAIL_URL_TIMEOUT_MS)',
      positiveInteger,
      cliSettings().urlTimeoutMs,
    )
    .option(
      '--allow-host <hosts>',
      'only fetch URLs on these hosts (comma-separated; "*.example.org" for subdomains; env PREVAIL_URL_ALLOW_HOSTS)',
      commaList,
      [...cliSettings().urlAllowHosts],
    )
    .option(
      '--allow-private',
      'allow URLs on loopback and private addresses (refused by default; env PREVAIL_URL_ALLOW_PRIVATE=1)',
      cliSettings().urlAllowPrivate,
    );
}

/** Longest `--events` value accepted (a list of a few server URLs). */
const maxNatsUrlListLength = 4096;

/**
 * `--events nats://host:4222[,nats://other:4222]`: NATS server URLs (`nats:` or `tls:`, a host, no
 * path, printable ASCII only: a host name in another script is given in its `xn--` form), each
 * checked, so a typo stops the command before it connects anywhere.
 */
export function natsUrlList(value: string): string {
  if (value.length > maxNatsUrlListLength)
    throw new InvalidArgumentError(`longer than ${maxNatsUrlListLength} characters`);
  const entries = commaList(value);
  if (entries.length === 0) throw new InvalidArgumentError('expected nats://host:port');
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new InvalidArgumentError(`"${entry.slice(0, 100)}" is not a URL such as nats://127.0.0.1:4222`);
    }
    if ((url.protocol !== 'nats:' && url.protocol !== 'tls:') || url.hostname === '' || /[^!-~]/.test(entry))
      throw new InvalidArgumentError(`"${entry.slice(0, 100)}" is not a URL such as nats://127.0.0.1:4222`);
    if (url.pathname !== '' && url.pathname !== '/')
      throw new InvalidArgumentError(`"${entry.slice(0, 100)}": a NATS server URL has no path`);
  }
  return entries.join(',');
}
