import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type CaseRecord, casePriorities, caseSources } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import { roles } from '../people/index.js';
import type {
  CompiledRouting,
  QueueDefinition,
  QueuePolicy,
  QueuePredicate,
  RoutingRule,
  TraitCondition,
} from './queue-records.js';

/** The file in the policy directory that defines queues and routing (optional). */
export const queuesFileName = 'queues.yaml';

/** The largest `queues.yaml` read, in bytes: routing is a page of YAML, not a data set. */
export const maxQueuesFileBytes = 256 * 1024;

/**
 * The built-in queues when the policy has no `queues.yaml`: bank and stream matches go to the
 * child-safety queue (role and opt-in), payments to the payments analysts, everything else to
 * the general queue.
 */
export const defaultQueuePolicy: QueuePolicy = Object.freeze({
  queues: [
    { name: 'child-safety', title: 'Child safety', childSafety: true, roles: ['child_safety_reviewer'] },
    { name: 'payments', title: 'Payments', childSafety: false, roles: ['payments_analyst'] },
    {
      name: 'general',
      title: 'General',
      childSafety: false,
      roles: ['admin', 'child_safety_reviewer', 'payments_analyst'],
    },
  ],
  rules: [
    { queue: 'child-safety', when: { source: ['hash_match', 'stream'] } },
    { queue: 'payments', when: { source: ['payments'] } },
  ],
  defaultQueue: 'general',
} satisfies QueuePolicy);

const queueName = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'queue names are lowercase letters, digits, "_" and "-", starting with a letter');

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(50);

const conditionSchema = z.strictObject({
  source: list(z.enum(caseSources as [string, ...string[]])).optional(),
  typology: list(
    z
      .string()
      .max(100)
      .regex(/^[a-z][a-z0-9_]*$/, 'typology names are lowercase_with_underscores'),
  ).optional(),
  priority: list(z.enum(casePriorities as [string, ...string[]])).optional(),
  imminent: z.boolean().optional(),
});

const fileSchema = z
  .strictObject({
    queues: z
      .array(
        z.strictObject({
          name: queueName,
          title: z.string().trim().min(1).max(200),
          child_safety: z.boolean().default(false),
          roles: z.array(z.enum(roles)).min(1).max(roles.length),
        }),
      )
      .min(1)
      .max(50),
    rules: z
      .array(z.strictObject({ queue: queueName, when: conditionSchema }))
      .max(100)
      .default([]),
    default: queueName,
  })
  .superRefine((file, context) => {
    const names = new Set<string>();
    file.queues.forEach((queue, index) => {
      if (names.has(queue.name))
        context.addIssue({
          code: 'custom',
          path: ['queues', index, 'name'],
          message: `queue '${queue.name}' is defined twice`,
        });
      names.add(queue.name);
    });
    const known = (name: string) => names.has(name);
    file.rules.forEach((rule, index) => {
      if (!known(rule.queue))
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'queue'],
          message: `no queue is named '${rule.queue}' (queues: ${[...names].join(', ')})`,
        });
    });
    if (!known(file.default))
      context.addIssue({
        code: 'custom',
        path: ['default'],
        message: `no queue is named '${file.default}' (queues: ${[...names].join(', ')})`,
      });
  });

/**
 * Reads `queues.yaml` text into a policy:
 *
 * ```yaml
 * queues:
 *   - { name: child-safety, title: Child safety, child_safety: true, roles: [child_safety_reviewer] }
 *   - { name: general, title: General, roles: [admin, payments_analyst] }
 * rules:            # in order; the first rule a case matches names its queue
 *   - queue: child-safety
 *     when: { source: [hash_match, stream] }   # also typology: [...], priority: [...], imminent: bool
 * default: general  # the queue of a case no rule matches
 * ```
 *
 * Unknown keys, wrong types, unknown roles, sources or priorities, duplicate queues and rules or
 * a default naming no queue are all refused, each problem named with its line and column.
 *
 * @throws EngineError `CONFIG_INVALID`: `<file>:<line>:<column>: <field path>: <problem>`, one
 *   line per problem.
 */
export function parseQueuePolicy(text: string, file = queuesFileName): QueuePolicy {
  if (Buffer.byteLength(text, 'utf8') > maxQueuesFileBytes)
    throw new EngineError('CONFIG_INVALID', `${file}: larger than ${maxQueuesFileBytes} bytes`);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (document.errors.length > 0) {
    const messages = document.errors.map((error) => {
      const position = error.linePos?.[0];
      return `${file}:${position?.line ?? 1}:${position?.col ?? 1}: ${error.message.split('\n')[0]}`;
    });
    throw new EngineError('CONFIG_INVALID', messages.join('\n'));
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    throw new EngineError('CONFIG_INVALID', `${file}: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const position = locate(
        document,
        lines,
        issue.path,
        issue.code === 'unrecognized_keys' ? (issue.keys as string[])[0] : undefined,
      );
      return `${file}:${position.line}:${position.col}: ${path.length === 0 ? '(file)' : path.join('.')}: ${issue.message}`;
    });
    throw new EngineError('CONFIG_INVALID', messages.join('\n'));
  }
  const data = parsed.data;
  return {
    queues: data.queues.map((queue) => ({
      name: queue.name,
      title: queue.title,
      childSafety: queue.child_safety,
      roles: [...new Set(queue.roles)],
    })),
    rules: data.rules.map((rule) => ({ queue: rule.queue, when: rule.when as TraitCondition })),
    defaultQueue: data.default,
  };
}

/**
 * The line and column of the deepest node the path reaches (the file's start when none); with
 * `key`, of that key in the mapping the path reaches (an unknown key is reported where it is).
 */
function locate(
  document: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: readonly PropertyKey[],
  key?: string,
): { line: number; col: number } {
  if (key !== undefined) {
    const keys = path.map((item) => (typeof item === 'symbol' ? String(item) : item));
    const map = keys.length === 0 ? document.contents : document.getIn(keys, true);
    if (isMap(map)) {
      const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = isNode(pair?.key) ? pair.key.range : undefined;
      if (range !== undefined && range !== null) return lines.linePos(range[0]);
    }
  }
  for (let length = path.length; length >= 0; length--) {
    const keys = path.slice(0, length).map((key) => (typeof key === 'symbol' ? String(key) : key));
    const node = length === 0 ? document.contents : document.getIn(keys, true);
    if (isNode(node) && node.range !== undefined && node.range !== null) return lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

/**
 * The queue policy of a policy directory: `<dir>/queues.yaml` when present, else
 * `defaultQueuePolicy` (also without a directory).
 *
 * @throws EngineError `CONFIG_INVALID` (see `parseQueuePolicy`; also an unreadable or too large file).
 */
export async function loadQueuePolicy(policyDirectory: string | undefined): Promise<QueuePolicy> {
  if (policyDirectory === undefined || policyDirectory === '') return defaultQueuePolicy;
  const path = join(policyDirectory, queuesFileName);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultQueuePolicy;
    throw new EngineError('CONFIG_INVALID', `${path} could not be read`, { cause: error });
  }
  if (size > maxQueuesFileBytes)
    throw new EngineError('CONFIG_INVALID', `${path}: larger than ${maxQueuesFileBytes} bytes`);
  return parseQueuePolicy(await readFile(path, 'utf8'), path);
}

/** The routing for storage: the rules in order, then the default queue as a rule matching every case. */
export function compileRouting(policy: QueuePolicy): CompiledRouting {
  return { rules: [...policy.rules, { queue: policy.defaultQueue, when: {} }] };
}

/**
 * The cases of `queue` as plain data (see `QueuePredicate`): for each rule naming the queue, its
 * condition, unless an earlier rule naming another queue matched first.
 */
export function queuePredicate(routing: CompiledRouting, queue: string): QueuePredicate {
  const anyOf: { when: TraitCondition; unless: TraitCondition[] }[] = [];
  routing.rules.forEach((rule: RoutingRule, index) => {
    if (rule.queue !== queue) return;
    const unless = routing.rules
      .slice(0, index)
      .filter((earlier) => earlier.queue !== queue)
      .map((earlier) => earlier.when);
    anyOf.push({ when: rule.when, unless });
  });
  return { anyOf };
}

/** Whether a case's traits and priority meet a condition (the same test storage makes in SQL). */
export function conditionHolds(
  condition: TraitCondition,
  item: Pick<CaseRecord, 'source' | 'typology' | 'priority' | 'imminent'>,
): boolean {
  if (condition.source !== undefined && !condition.source.includes(item.source)) return false;
  if (condition.typology !== undefined && (item.typology === null || !condition.typology.includes(item.typology)))
    return false;
  if (condition.priority !== undefined && !condition.priority.includes(item.priority)) return false;
  if (condition.imminent !== undefined && condition.imminent !== item.imminent) return false;
  return true;
}

/** The queue of a case: the first rule it matches (the default queue is the last rule). */
export function routeCase(
  routing: CompiledRouting,
  item: Pick<CaseRecord, 'source' | 'typology' | 'priority' | 'imminent'>,
): string {
  const rule = routing.rules.find((candidate) => conditionHolds(candidate.when, item));
  // The last rule has an empty condition, so one always matches.
  return rule?.queue ?? (routing.rules.at(-1) as RoutingRule).queue;
}

/** The queue definition named `name`, if any. */
export function findQueue(policy: QueuePolicy, name: string): QueueDefinition | undefined {
  return policy.queues.find((queue) => queue.name === name);
}
