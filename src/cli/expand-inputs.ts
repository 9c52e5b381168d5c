import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isUrl } from '../content/index.js';

/** One thing to hash: a file path or a URL. */
export interface MediaInput {
  readonly kind: 'file' | 'url';
  readonly location: string;
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
