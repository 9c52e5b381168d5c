import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeMachine } from './machine.js';

/** Prints rows as an aligned table with a header. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  for (const [index, row] of cells.entries()) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    );
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}

/**
 * Finishes a benchmark: writes `result` (with the machine and time) to
 * `bench/results/<name>.json` and prints it as the last line of the output.
 */
export async function finishBenchmark(name: string, result: Record<string, unknown>): Promise<void> {
  const record = { benchmark: name, date: new Date().toISOString(), machine: describeMachine(), ...result };
  // Benchmarks run compiled (build/bench) from the repository root: results go to bench/results.
  const directory = join(process.cwd(), 'bench', 'results');
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(JSON.stringify(record));
}

/** Calls `work` repeatedly for about `budgetMs` (at least `minimumRuns`, at most `maximumRuns` times); returns ms per call. */
export async function timePerCall(
  work: () => unknown,
  options: { budgetMs: number; minimumRuns: number; maximumRuns: number },
): Promise<number> {
  const started = performance.now();
  let runs = 0;
  while (runs < options.maximumRuns && (runs < options.minimumRuns || performance.now() - started < options.budgetMs)) {
    await work();
    runs++;
  }
  return (performance.now() - started) / runs;
}
