import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from './diagnostic.js';

/** One rule file's text, named by its path relative to the rules directory (`/`-separated). */
export interface RuleSource {
  readonly file: string;
  readonly text: string;
}

/** The rule files of a directory and the problems met reading it. */
export interface RuleSourcesRead {
  /** Sorted by `file`, comparing code units. */
  readonly sources: readonly RuleSource[];
  /** Unreadable directories (`.` is the rules directory itself) and files, each at line 1, column 1. */
  readonly diagnostics: readonly Diagnostic[];
}

const ruleFilePattern = /\.ya?ml$/;

function ioProblem(file: string, what: string, error: unknown): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return { file, line: 1, column: 1, message: `cannot read ${what}: ${reason}` };
}

/**
 * Reads every `*.yaml` / `*.yml` file under `directory`, recursively, in sorted order.
 *
 * Names starting with `.` are skipped (editor swap files, and the `..data` folders of a
 * Kubernetes ConfigMap mount); symbolic links to files are followed (a ConfigMap mounts each
 * file as one), links to directories are not (no cycles). Never throws: I/O failures are
 * diagnostics, so a reload reports them like any other problem.
 */
export async function readRuleSources(directory: string): Promise<RuleSourcesRead> {
  const sources: RuleSource[] = [];
  const diagnostics: Diagnostic[] = [];
  const visit = async (relative: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(directory, relative), { withFileTypes: true });
    } catch (error) {
      diagnostics.push(ioProblem(relative === '' ? '.' : relative, 'the rules directory', error));
      return;
    }
    const names = entries
      .filter((entry) => !entry.name.startsWith('.'))
      .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    for (const entry of names) {
      const file = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        await visit(file);
        continue;
      }
      if (!ruleFilePattern.test(entry.name)) continue;
      try {
        if (entry.isSymbolicLink() && !(await stat(join(directory, file))).isFile()) continue;
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        sources.push({ file, text: await readFile(join(directory, file), 'utf8') });
      } catch (error) {
        diagnostics.push(ioProblem(file, 'the rule file', error));
      }
    }
  };
  await visit('');
  sources.sort((left, right) => (left.file < right.file ? -1 : left.file > right.file ? 1 : 0));
  return { sources, diagnostics };
}
