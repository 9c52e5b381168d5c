/** One validation problem, as zod reports it (structurally typed: core imports no library). */
export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The one-line form every configuration error uses: `field.path: message; other: message`, with
 * `whole` standing for the path of a problem with the value as a whole (e.g. `(config)`).
 */
export function describeIssueList(issues: readonly ValidationIssue[], whole: string): string[] {
  return issues.map(
    (issue) => `${issue.path.length === 0 ? whole : issue.path.map(String).join('.')}: ${issue.message}`,
  );
}

/** `describeIssueList` joined with `; `. */
export function describeIssues(issues: readonly ValidationIssue[], whole: string): string {
  return describeIssueList(issues, whole).join('; ');
}
