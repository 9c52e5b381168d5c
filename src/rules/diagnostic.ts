import { posix } from 'node:path';

/**
 * One problem found in a rule file, located like a compiler error. Diagnostics are data; the
 * wording a person reads is produced by `formatDiagnostics`, so the same list can go to a CLI, an
 * HTTP response or a UI that underlines the span.
 *
 * Invariants: `line` and `column` are 1-based; `column` counts UTF-16 code units from the start of
 * the line (what editors call "character"); `file` is relative to the rules directory with `/`
 * separators, so diagnostics compare equal across machines.
 *
 * @example
 * { file: 'sessions.yaml', line: 7, column: 19, message: "unknown feature 'payments_30m'",
 *   hint: "did you mean 'payments_to_host_30m'?", sourceLine: '      && features.payments_30m > 0' }
 */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** A suggestion ("did you mean …?", the accepted values), printed under the message. */
  readonly hint?: string;
  /** The text of the source line, for the excerpt under the message. */
  readonly sourceLine?: string;
}

/**
 * Orders diagnostics by file, line, column, then message, comparing strings by code unit (not
 * locale), so the same files always print the same list in the same order.
 */
export function compareDiagnostics(left: Diagnostic, right: Diagnostic): number {
  if (left.file !== right.file) return left.file < right.file ? -1 : 1;
  if (left.line !== right.line) return left.line - right.line;
  if (left.column !== right.column) return left.column - right.column;
  if (left.message !== right.message) return left.message < right.message ? -1 : 1;
  return 0;
}

/** Options for `formatDiagnostics`. */
export interface FormatDiagnosticsOptions {
  /** Prefixed to every `file` (e.g. the rules directory as the operator typed it). */
  readonly directory?: string;
  /** Print the source line with a caret under the column (default true). */
  readonly excerpts?: boolean;
}

/**
 * Renders diagnostics as a compiler does: `file:line:col: message`, then (by default) the source
 * line with a caret under the column, then `hint: …`. Output ends with a newline when not empty.
 *
 * Why this shape: editors and CI annotators recognise `file:line:col:` and jump to it, and the
 * excerpt lets an analyst see the problem without opening the file.
 *
 * @example
 * formatDiagnostics(diagnostics, { directory: 'rules' })
 * // rules/sessions.yaml:7:19: unknown feature 'payments_30m'
 * //     7 |       && features.payments_30m > 0
 * //       |                   ^
 * //   hint: did you mean 'payments_to_host_30m'?
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: FormatDiagnosticsOptions = {}): string {
  const excerpts = options.excerpts ?? true;
  let output = '';
  for (const diagnostic of diagnostics) {
    const file = options.directory === undefined ? diagnostic.file : posix.join(options.directory, diagnostic.file);
    output += `${file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}\n`;
    if (excerpts && diagnostic.sourceLine !== undefined) output += excerpt(diagnostic);
    if (diagnostic.hint !== undefined) output += `  hint: ${diagnostic.hint}\n`;
  }
  return output;
}

function excerpt(diagnostic: Diagnostic): string {
  const sourceLine = diagnostic.sourceLine ?? '';
  const gutter = String(diagnostic.line).padStart(5, ' ');
  // Keep tabs so the caret lines up with the text above it whatever the tab width.
  const lead = sourceLine.slice(0, Math.max(0, diagnostic.column - 1)).replace(/[^\t]/g, ' ');
  return `${gutter} | ${sourceLine}\n${' '.repeat(gutter.length)} | ${lead}^\n`;
}
