import type { EventProblem } from './event-validation.js';

/**
 * What one event may be, checked before its schema so that nothing the store cannot hold, and
 * nothing big or deep enough to hurt the engine (a 50 MB `data.blob` copied into a case timeline,
 * 4,000 levels of nesting overflowing the stack of whoever walks it), is ever acknowledged.
 * Configured in `<policy>/limits.yaml` (see docs/signals-engine.md); the defaults suit events
 * from platforms and payment rails.
 */
export interface EventLimits {
  /** Earliest accepted event time, Unix ms (default 1970-01-01T00:00:00Z). */
  readonly minTimeMs: number;
  /** Latest accepted event time, Unix ms, exclusive (default 2100-01-01T00:00:00Z). */
  readonly maxTimeMs: number;
  /** Largest event as JSON text, in characters (default 1 MiB). */
  readonly maxBytes: number;
  /** Deepest nesting of objects and arrays; the event itself is level 1, `data` level 2 (default 32). */
  readonly maxDepth: number;
  /** Longest string (key or value) anywhere in the event, in characters (default 65,536). */
  readonly maxStringLength: number;
}

export const defaultEventLimits: EventLimits = {
  minTimeMs: Date.parse('1970-01-01T00:00:00Z'),
  maxTimeMs: Date.parse('2100-01-01T00:00:00Z'),
  maxBytes: 1_048_576,
  maxDepth: 32,
  maxStringLength: 65_536,
};

/** A UTF-16 surrogate without its partner: no UTF-8 store (PostgreSQL) can hold it faithfully. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const wellFormed: (text: string) => boolean =
  nativeWellFormed === undefined ? (text) => !loneSurrogate.test(text) : (text) => nativeWellFormed.call(text);

/** At most this many problems are listed per event: a hostile event could otherwise list millions. */
const maxProblems = 20;

/** A value met while walking an event; its path is built only when a problem names it. */
interface Node {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Node | undefined;
  readonly key: string | number | undefined;
}

function pathOf(node: Node, key?: string): string {
  const parts: (string | number)[] = key === undefined ? [] : [key];
  for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) parts.push(at.key);
  return parts.reverse().join('.') || '(event)';
}

/** What is wrong with one string of an event for the limits (length, NUL, unpaired surrogates), if anything. */
export function stringProblem(text: string, limits: EventLimits): string | undefined {
  if (text.length > limits.maxStringLength) return `longer than ${limits.maxStringLength} characters (${text.length})`;
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which no store can hold';
  if (!wellFormed(text)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

/**
 * The limit problems of a raw event (before its schema): size, depth, string lengths, and
 * characters no store can hold (NUL, unpaired surrogates) in any key or value. Walks the value
 * without recursion and stops early, so even a 100,000-level or 100 MB input costs little.
 */
export function eventLimitProblems(input: unknown, limits: EventLimits): EventProblem[] {
  if (withinLimits(input, limits)) return [];
  const problems: EventProblem[] = [];
  let size = 0;
  const stack: Node[] = [{ value: input, depth: 1, parent: undefined, key: undefined }];
  while (stack.length > 0 && problems.length < maxProblems) {
    const node = stack.pop() as Node;
    const value = node.value;
    if (typeof value === 'string') {
      size += value.length + 2;
      const problem = stringProblem(value, limits);
      if (problem !== undefined) problems.push({ path: pathOf(node), message: problem });
    } else if (typeof value === 'object' && value !== null) {
      if (node.depth > limits.maxDepth) {
        problems.push({ path: pathOf(node), message: `nested deeper than ${limits.maxDepth} levels` });
        return problems;
      }
      const depth = node.depth + 1;
      size += 2;
      if (Array.isArray(value)) {
        for (let index = value.length - 1; index >= 0; index--)
          stack.push({ value: value[index], depth, parent: node, key: index });
        size += value.length;
      } else {
        for (const key in value) {
          if (!Object.hasOwn(value, key)) continue;
          const problem = stringProblem(key, limits);
          if (problem !== undefined) problems.push({ path: pathOf(node, key), message: `key ${problem}` });
          size += key.length + 4;
          stack.push({ value: (value as Record<string, unknown>)[key], depth, parent: node, key });
        }
      }
    } else size += 6;
    if (size > limits.maxBytes) {
      problems.push({ path: '(event)', message: `larger than ${limits.maxBytes} characters of JSON` });
      return problems;
    }
  }
  return problems;
}

/** The values `withinLimits` has still to look at, and their depths: reused from call to call. */
const pendingValues: unknown[] = [];
const pendingDepths: number[] = [];

/**
 * Whether `eventLimitProblems` finds nothing in `input`: the same checks (size, depth, every key
 * and string) without the path of each value, which only a problem needs, so a valid event (the
 * engine's every event) costs no object per value. Any problem, or more size than allowed, and it
 * answers false at once; the full walk then words the problems in its own order. It stops as
 * early as that walk does on a large or deep input, and it runs synchronously to the end, so the
 * two shared stacks are always empty when it starts.
 */
function withinLimits(input: unknown, limits: EventLimits): boolean {
  let size = 0;
  let clean = true;
  pendingValues.push(input);
  pendingDepths.push(1);
  while (pendingValues.length > 0) {
    const value = pendingValues.pop();
    const depth = pendingDepths.pop() as number;
    if (typeof value === 'string') {
      size += value.length + 2;
      if (stringProblem(value, limits) !== undefined) clean = false;
    } else if (typeof value === 'object' && value !== null) {
      if (depth > limits.maxDepth) clean = false;
      size += 2;
      if (Array.isArray(value)) {
        for (let index = value.length - 1; index >= 0; index--) {
          pendingValues.push(value[index]);
          pendingDepths.push(depth + 1);
        }
        size += value.length;
      } else {
        for (const key in value) {
          if (!Object.hasOwn(value, key)) continue;
          if (stringProblem(key, limits) !== undefined) clean = false;
          size += key.length + 4;
          pendingValues.push((value as Record<string, unknown>)[key]);
          pendingDepths.push(depth + 1);
        }
      }
    } else size += 6;
    if (size > limits.maxBytes) clean = false;
    if (!clean) {
      pendingValues.length = 0;
      pendingDepths.length = 0;
      return false;
    }
  }
  return true;
}

/** The time problem of an event time already known to parse: outside the accepted range. */
export function eventTimeProblem(timeMs: number, limits: EventLimits): EventProblem | undefined {
  if (timeMs >= limits.minTimeMs && timeMs < limits.maxTimeMs) return undefined;
  return {
    path: 'time',
    message: `outside the accepted range ${new Date(limits.minTimeMs).toISOString()} to ${new Date(limits.maxTimeMs).toISOString()}`,
  };
}
