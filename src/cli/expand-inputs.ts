import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { largestShownSignalLength } from '../banks/index.js';
import { type FetchPolicy, fetchUrl, isUrl, readFileLimited } from '../content/index.js';

/** One thing to hash: a file path or a URL. */
export interface MediaInput {
  readonly kind: 'file' | 'url';
  readonly location: string;
}

/**
 * The `path` of a JSON line about a `--hash` input (`bank add`, `match`): `hash:<value>`, or
 * `hash:<type>` for a value longer than `largestShownSignalLength` (a 351 KB `tmk_pdqf`), which the
 * line summarises (`summariseSignals`) rather than prints.
 */
export function hashInputPath(type: string, value: string): string {
  return value.length <= largestShownSignalLength ? `hash:${value}` : `hash:${type}`;
}

/** File endings picked up when walking a directory (files named explicitly are always taken). */
export const mediaExtensions: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.mp4',
  '.mov',
  '.m4v',
  '.mkv',
  '.webm',
  '.avi',
  '.flv',
  '.ts',
  '.mpg',
  '.wmv',
  '.ogv',
]);

async function walk(directory: string, found: MediaInput[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (entry.isFile() && mediaExtensions.has(extname(entry.name).toLowerCase())) {
      found.push({ kind: 'file', location: path });
    }
  }
}

/**
 * Expands command-line arguments into inputs, in order: URLs as they are, files as they are
 * (even when missing, so that the hash step reports `INPUT_NOT_FOUND` for them), directories
 * recursively in name order, keeping files with a media ending.
 */
export async function expandInputs(args: readonly string[]): Promise<MediaInput[]> {
  const inputs: MediaInput[] = [];
  for (const arg of args) {
    if (isUrl(arg)) {
      inputs.push({ kind: 'url', location: arg });
      continue;
    }
    const info = await stat(arg).catch(() => undefined);
    if (info?.isDirectory()) await walk(arg, inputs);
    else inputs.push({ kind: 'file', location: arg });
  }
  return inputs;
}

/** Default limits for reading inputs named on the command line. */
export const defaultInputMaxBytes = 256 * 1024 * 1024;

/** The fetch policy of commands that only take `--allow-private`. */
export function commandFetchPolicy(allowPrivate: boolean, maxBytes = defaultInputMaxBytes): FetchPolicy {
  return { maxBytes, timeoutMs: 30_000, allowedHosts: [], allowPrivateAddresses: allowPrivate };
}

/** The bytes of one input: a file within `maxBytes`, or a URL within `fetchPolicy`. */
export function loadInputBytes(input: MediaInput, maxBytes: number, fetchPolicy: FetchPolicy): Promise<Uint8Array> {
  return input.kind === 'url' ? fetchUrl(input.location, fetchPolicy) : readFileLimited(input.location, maxBytes);
}
