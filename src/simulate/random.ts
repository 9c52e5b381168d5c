/**
 * A small seeded pseudo-random generator (sfc32, Chris Doty-Humphrey's "small fast counting"
 * generator) with the helpers the scenario generator needs. `Math.random` is never used: the same
 * seed and stream keys always give the same numbers, on every platform, so a scenario can be
 * regenerated exactly from `(seed, accounts, days, start, mix)`.
 *
 * Each account and behaviour draws from its own stream (`createRandom(seed, accountIndex, 7)`),
 * so what one behaviour draws never shifts another's numbers: adding a behaviour, or generating
 * lazily in a different interleaving, leaves every other stream unchanged.
 *
 * @example
 * const random = createRandom(42, 17);
 * random.integer(1, 6); // the same value on every run
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A whole number in [minimum, maximum], both included. */
  integer(minimum: number, maximum: number): number;
  /** A float in [minimum, maximum). */
  between(minimum: number, maximum: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One value of a non-empty list of `[value, weight]` pairs, in proportion to the weights. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  /** A Poisson-distributed count with mean `mean` (Knuth's method; fine for means below ~30). */
  poisson(mean: number): number;
  /** A copy of `items` in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** `count` distinct elements of `items` (all of them when `count` is larger). */
  sample<T>(items: readonly T[], count: number): T[];
}

/** Mixes 32-bit words into one (the murmur3 finaliser), to turn stream keys into a seed. */
function mix32(value: number): number {
  let mixed = value >>> 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

/**
 * A generator for one stream: `seed` is the scenario seed (any safe integer), `keys` name the
 * stream (account index, behaviour number...). Different keys give independent sequences.
 */
export function createRandom(seed: number, ...keys: readonly number[]): Random {
  let a = mix32(seed ^ 0x9e3779b9);
  let b = mix32(Math.floor(seed / 0x100000000) ^ 0x243f6a88);
  let c = mix32(a ^ 0xb7e15162);
  let d = 1;
  for (const key of keys) {
    a = mix32(a ^ mix32(key + 0x632be5ab));
    b = mix32(b + a);
    c = mix32(c ^ b);
  }
  const nextWord = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let warm = 0; warm < 12; warm++) nextWord();
  const next = () => nextWord() / 0x100000000;
  const random: Random = {
    next,
    integer: (minimum, maximum) => minimum + Math.floor(next() * (maximum - minimum + 1)),
    between: (minimum, maximum) => minimum + next() * (maximum - minimum),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    weighted<T>(choices: readonly (readonly [T, number])[]): T {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let point = next() * total;
      for (const [value, weight] of choices) {
        point -= weight;
        if (point < 0) return value;
      }
      const last = choices[choices.length - 1];
      if (last === undefined) throw new RangeError('weighted pick from an empty list');
      return last[0];
    },
    poisson(mean) {
      const limit = Math.exp(-mean);
      let count = 0;
      let product = next();
      while (product > limit) {
        count++;
        product *= next();
      }
      return count;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index--) {
        const other = Math.floor(next() * (index + 1));
        const held = copy[index] as T;
        copy[index] = copy[other] as T;
        copy[other] = held;
      }
      return copy;
    },
    sample<T>(items: readonly T[], count: number): T[] {
      return random.shuffle(items).slice(0, Math.max(0, count));
    },
  };
  return random;
}
