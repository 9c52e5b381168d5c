import { z } from 'zod';
import type { ReloadOutcome } from '../rules/index.js';

/**
 * A problem of a refused rule set (the rules module's `Diagnostic`), as answers carry it. No
 * length limits: this node's own answer carries its loader's diagnostics whole, and another
 * node's answer is bounded by the bus's message size.
 */
const diagnosticSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  hint: z.string().optional(),
  sourceLine: z.string().optional(),
});

/**
 * What a rules reload did on the node that was asked, as an operator is told it: the rules now
 * running, or why the new set was refused (the old one keeps running).
 */
export const rulesReloadSchema = z.union([
  z.object({ reloaded: z.literal(true), rules: z.number().int().nonnegative().describe('rules now running') }),
  z.object({
    reloaded: z.literal(false),
    diagnostics: z.array(diagnosticSchema).readonly().describe('why the new set was refused'),
  }),
]);
export type RulesReload = z.infer<typeof rulesReloadSchema>;

/**
 * What one node answered when asked to reload its rules: the reload's outcome, or why it could
 * not try (`CONFIG_INVALID`: it runs without a rules directory; `INTERNAL`: the reload threw).
 */
export const rulesReloadAnswerSchema = z.union([
  ...rulesReloadSchema.options,
  z.object({
    reloaded: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }).describe('why this node could not reload'),
  }),
]);
export type RulesReloadAnswer = z.infer<typeof rulesReloadAnswerSchema>;

/** Another node's answer to a reload asked over the bus, with the node's name. */
export const nodeRulesReloadSchema = z.intersection(
  z.object({ node: z.string().min(1).max(500).describe('the node that answered: its role, host, process and a tag') }),
  rulesReloadAnswerSchema,
);
export type NodeRulesReload = z.infer<typeof nodeRulesReloadSchema>;

/** What reloads a node's rules: the engine's rules loader (`OpenedEngine.rules`). */
export interface ReloadableRules {
  reload(): Promise<ReloadOutcome>;
}

/**
 * Reloads `rules` and says what happened, never throwing: what a node answers when another node
 * asks it over the bus. A bad set keeps the old one running (`diagnostics`); no rules directory
 * (`rules` undefined) or a reload that throws is an `error`.
 */
export async function answerRulesReload(rules: ReloadableRules | undefined): Promise<RulesReloadAnswer> {
  if (rules === undefined)
    return {
      reloaded: false,
      error: { code: 'CONFIG_INVALID', message: 'this node runs without a rules directory' },
    };
  try {
    return describeReload(await rules.reload());
  } catch (error) {
    return {
      reloaded: false,
      error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
    };
  }
}

/** The operator's view of a loader's outcome: the rules now running, or why the set was refused. */
export function describeReload(outcome: ReloadOutcome): RulesReload {
  return outcome.ok
    ? { reloaded: true, rules: outcome.ruleSet.rules.length }
    : { reloaded: false, diagnostics: outcome.diagnostics };
}
