import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shared, benign test vectors are: `$PREVAIL_VECTORS_DIR`, or `../shared/vectors`
 * beside the repository. They are never copied into the repository; tests that need them skip
 * with `vectorsSkipReason` (which node:test prints) when they are absent.
 */
const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const vectorsRoot = process.env.PREVAIL_VECTORS_DIR ?? join(repositoryRoot, '..', 'shared', 'vectors');

export const vectorsAvailable = existsSync(join(vectorsRoot, 'pdq', 'expected'));

/** `false` when the vectors are present, otherwise the reason to print for the skip. */
export const vectorsSkipReason: string | false = vectorsAvailable
  ? false
  : `the shared test vectors are not at ${vectorsRoot} (set PREVAIL_VECTORS_DIR to run these tests)`;

/** Absolute path of a file under `vectors/pdq/`. */
export function pdqVector(relativePath: string): string {
  return join(vectorsRoot, 'pdq', relativePath);
}

/** Rows of a tab-separated file under `vectors/pdq/expected/`, keyed by its header, comments skipped. */
export function readExpectedTsv(name: string): Record<string, string>[] {
  const lines = readFileSync(pdqVector(join('expected', name)), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const header = (lines.shift() ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((column, index) => [column, cells[index] ?? '']));
  });
}
