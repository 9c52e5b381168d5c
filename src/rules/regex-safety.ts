/**
 * Why a `matches()` pattern could take exponential time on some input, or `undefined` when it
 * cannot. JavaScript regular expressions backtrack and nothing can interrupt one call, so a
 * pattern such as `(a+)+$` on 40 characters of event data would block the engine; RE2, which
 * CEL specifies, is not available. Refused: a quantified group that itself holds a quantifier
 * or an alternation (`(a+)+`, `(a|aa)*`), and back-references (`\1`, `\k<name>`). This is the
 * "star height" test of safe-regex: it refuses a few safe patterns, never lets a nested
 * quantifier through.
 */
export function unsafePatternReason(pattern: string): string | undefined {
  if (/\\[1-9]|\\k</.test(pattern)) return 'it uses a back-reference';
  /** For each open group: whether it holds a quantifier or an alternation. */
  const groups: boolean[] = [];
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    switch (char) {
      case '[':
        inClass = true;
        break;
      case '(':
        groups.push(false);
        break;
      case ')': {
        const risky = groups.pop() ?? false;
        const next = pattern[index + 1];
        const quantified = next === '*' || next === '+' || next === '{';
        if (risky && quantified) return 'a repeated group repeats or alternates inside (nested quantifier)';
        if (risky && groups.length > 0) groups[groups.length - 1] = true;
        break;
      }
      case '*':
      case '+':
      case '{':
      case '|':
        if (groups.length > 0) groups[groups.length - 1] = true;
        break;
    }
  }
  return undefined;
}
