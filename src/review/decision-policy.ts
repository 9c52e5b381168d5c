import { z } from 'zod';
import { describeIssues, EngineError } from '../core/index.js';
import { readPolicyYaml } from './policy-file.js';
import { type ReviewAction, reviewActions } from './review-records.js';

/** Per decision: whether the reviewer must give a reason. */
export type DecisionPolicy = Readonly<Record<ReviewAction, { readonly reasonRequired: boolean }>>;

/**
 * The default: a reason for confirm, dismiss, escalate and close; none to queue a report (a
 * lesson from Coop: never block reporting on a reason field).
 */
export const defaultDecisionPolicy: DecisionPolicy = Object.freeze({
  confirm: { reasonRequired: true },
  dismiss: { reasonRequired: true },
  escalate: { reasonRequired: true },
  enqueue_report: { reasonRequired: false },
  close: { reasonRequired: true },
});

const actionSchema = z.strictObject({ reasonRequired: z.boolean() });
const decisionsSchema = z.strictObject(
  Object.fromEntries(reviewActions.map((action) => [action, actionSchema.optional()])) as Record<
    ReviewAction,
    z.ZodOptional<typeof actionSchema>
  >,
);
/** `console.yaml`: other sections belong to other parts of the console; `decisions` is checked strictly. */
const consoleFileSchema = z.looseObject({ decisions: decisionsSchema.optional() });

/**
 * The decision policy from parsed `console.yaml` content (`decisions: {confirm: {reasonRequired:
 * true}, …}`), over the defaults. `source` names the file in messages.
 *
 * @throws EngineError `CONFIG_INVALID` naming every problem.
 */
export function parseDecisionPolicy(value: unknown, source: string): DecisionPolicy {
  const parsed = consoleFileSchema.safeParse(value ?? {});
  if (!parsed.success)
    throw new EngineError('CONFIG_INVALID', `${source}: ${describeIssues(parsed.error.issues, '(file)')}`);
  const policy: Record<string, { reasonRequired: boolean }> = { ...defaultDecisionPolicy };
  for (const [action, setting] of Object.entries(parsed.data.decisions ?? {})) {
    if (setting !== undefined) policy[action] = setting;
  }
  return Object.freeze(policy) as DecisionPolicy;
}

/**
 * Reads `<policyDirectory>/console.yaml`; the defaults when there is no policy directory or no
 * such file.
 *
 * @throws EngineError `CONFIG_INVALID` for YAML that does not parse or a malformed `decisions`.
 */
export async function loadDecisionPolicy(policyDirectory: string | undefined): Promise<DecisionPolicy> {
  const read = await readPolicyYaml(policyDirectory, 'console.yaml');
  return read === undefined ? defaultDecisionPolicy : parseDecisionPolicy(read.value, read.file);
}
