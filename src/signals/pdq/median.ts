/**
 * Torben's median (N. Devillard's public-domain `torben.c`), in float32, as the PDQ reference
 * uses it: for 256 values it returns the lower median, the 128th smallest. It is kept literal
 * (not a sort) so that the midpoint guesses round exactly as the reference's do.
 */
export function torbenMedian(values: Float32Array): number {
  const n = values.length;
  let min = values[0] as number;
  let max = min;
  for (let i = 1; i < n; i++) {
    const value = values[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const half = Math.floor((n + 1) / 2);
  for (;;) {
    const guess = Math.fround(Math.fround(min + max) / 2);
    let less = 0;
    let greater = 0;
    let equal = 0;
    let maxBelowGuess = min;
    let minAboveGuess = max;
    for (let i = 0; i < n; i++) {
      const value = values[i] as number;
      if (value < guess) {
        less++;
        if (value > maxBelowGuess) maxBelowGuess = value;
      } else if (value > guess) {
        greater++;
        if (value < minAboveGuess) minAboveGuess = value;
      } else {
        equal++;
      }
    }
    if (less <= half && greater <= half) {
      if (less >= half) return maxBelowGuess;
      if (less + equal >= half) return guess;
      return minAboveGuess;
    }
    if (less > greater) max = maxBelowGuess;
    else min = minAboveGuess;
  }
}
