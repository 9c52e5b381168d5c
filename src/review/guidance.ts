/**
 * Guidance citations in reasons. The OCSE pack's indicator rules end every reason with its
 * citation, `<finding> [F02; FINTRAC-20, AUSTRAC-CS]`: the indicator key, then the sources of
 * docs/packs/ocse-payments.md. A reviewer is shown them apart from the finding.
 */

const trailingCitation = /\[([^[\]]+)\]\s*$/;
const citationKey = /^[A-Za-z][A-Za-z0-9._-]{0,39}$/;

/** The guidance keys a reason cites (in order, without repeats); empty when it cites none. */
export function citationsOf(reason: string): string[] {
  const found = trailingCitation.exec(reason);
  if (found === null) return [];
  const keys = (found[1] ?? '')
    .split(/[;,]/)
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (keys.length === 0 || !keys.every((key) => citationKey.test(key))) return [];
  return [...new Set(keys)];
}

/** The union of the citations of several reasons, in first-seen order. */
export function citationsOfAll(reasons: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const reason of reasons) for (const key of citationsOf(reason)) all.add(key);
  return [...all];
}
