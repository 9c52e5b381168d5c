/**
 * The candidate closest to `name` by edit distance, when it is close enough to be a likely typo
 * (at most a third of the name's length, and at most 3 edits); otherwise undefined. Ties go to
 * the candidate that sorts first, so suggestions are deterministic.
 *
 * Why: "unknown feature 'payments_30m'" is much faster to fix with "did you mean
 * 'payments_to_host_30m'?" than with a list of sixty names.
 *
 * @example
 * closestName('session.start', ['session.started', 'session.ended']) // 'session.started'
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate, limit + 1);
    if (distance > limit) continue;
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbouring
 * characters as one edit (optimal string alignment), giving up (returning `ceiling`) once every
 * path costs at least `ceiling`. Swaps count once because they are the commonest typo (`whne`).
 */
function editDistance(left: string, right: string, ceiling: number): number {
  if (Math.abs(left.length - right.length) >= ceiling) return ceiling;
  const width = right.length + 1;
  const rows = [Array.from({ length: width }, (_, index) => index)];
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= right.length; column++) {
      const above = rows[row - 1] ?? [];
      const same = left[row - 1] === right[column - 1];
      let value = Math.min(
        (above[column] ?? 0) + 1,
        (current[column - 1] ?? 0) + 1,
        (above[column - 1] ?? 0) + (same ? 0 : 1),
      );
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) value = Math.min(value, (rows[row - 2]?.[column - 2] ?? 0) + 1);
      current.push(value);
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum >= ceiling) return ceiling;
    rows.push(current);
  }
  return rows[left.length]?.[right.length] ?? ceiling;
}

/** `did you mean 'x'?` for the closest candidate, or undefined when none is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const suggestion = closestName(name, candidates);
  return suggestion === undefined ? undefined : `did you mean '${suggestion}'?`;
}
