import { z } from 'zod';
import { EngineError } from '../core/index.js';

/**
 * A typology (the Tazama model): a named, weighted set of rules whose points add up per subject
 * entity over a window; crossing `alertThreshold` raises an alert, crossing `caseThreshold`
 * opens (or raises) a case. Each contribution keeps its rule and reason, so a score can always
 * be explained. Names are storage keys: never rename one.
 */
export interface TypologyDefinition {
  readonly name: string;
  readonly description: string;
  /** The entity role the score is kept for, e.g. `payment_account` or `user`. */
  readonly subject: string;
  /** How long a contribution counts, in milliseconds. */
  readonly windowMs: number;
  readonly alertThreshold: number;
  readonly caseThreshold: number | null;
  readonly casePriority: 'low' | 'medium' | 'high' | 'urgent';
  /** Weight per rule id (default 1 for rules not listed). */
  readonly weights: Readonly<Record<string, number>>;
  /**
   * How contributions add up. `sum` (default): every contribution in the window counts, so a rule
   * that fires on ten events adds its points ten times. `distinct_rules` (the Tazama shape: one
   * outcome per rule): each rule counts once, with its largest contribution in the window, so a
   * score says how many different indicators agree, not how busy the account is.
   */
  readonly scoring: TypologyScoring;
  /**
   * Rules that must all have contributed within the window before the score counts; until then
   * the score is 0. This is how "no single indicator alerts on its own" is enforced.
   */
  readonly requiredRules: readonly string[];
}

/** See `TypologyDefinition.scoring`. */
export type TypologyScoring = 'sum' | 'distinct_rules';

const durationPattern = /^(\d+)(m|h|d)$/;
const unitMs: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30m`, `12h`, `90d` into milliseconds. @throws EngineError `CONFIG_INVALID`. */
export function parseDuration(text: string): number {
  const match = durationPattern.exec(text);
  const amount = Number(match?.[1]);
  const unit = match?.[2];
  if (match === null || unit === undefined || !(amount > 0)) {
    throw new EngineError('CONFIG_INVALID', `"${text}" is not a duration such as 30m, 12h or 7d`);
  }
  return amount * (unitMs[unit] as number);
}

const typologySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'typology names are lowercase_with_underscores'),
    description: z.string().default(''),
    subject: z.string().regex(/^[a-z][a-z0-9_]*$/),
    window: z.string().regex(durationPattern, 'expected a duration such as 30d'),
    alert_threshold: z.number().positive(),
    case_threshold: z.number().positive().optional(),
    case_priority: z.enum(['low', 'medium', 'high', 'urgent']).default('medium'),
    weights: z.record(z.string(), z.number().nonnegative()).default({}),
    scoring: z.enum(['sum', 'distinct_rules']).default('sum'),
    required_rules: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).default([]),
  })
  .strict()
  .refine((value) => value.case_threshold === undefined || value.case_threshold >= value.alert_threshold, {
    message: 'case_threshold must be at least alert_threshold',
    path: ['case_threshold'],
  });

/**
 * Validates typology declarations (as read from YAML or JSON): every problem is reported with
 * the typology's position and field.
 *
 * @throws EngineError `CONFIG_INVALID` listing every problem.
 */
export function defineTypologies(input: unknown): TypologyDefinition[] {
  const list = z.array(z.unknown()).safeParse(input);
  if (!list.success) throw new EngineError('CONFIG_INVALID', 'typologies must be a list');
  const problems: string[] = [];
  const definitions: TypologyDefinition[] = [];
  const seen = new Set<string>();
  list.data.forEach((item, index) => {
    const parsed = typologySchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
        problems.push(`typologies[${index}]${field}: ${issue.message}`);
      }
      return;
    }
    const value = parsed.data;
    if (seen.has(value.name)) problems.push(`typologies[${index}].name: "${value.name}" is declared twice`);
    seen.add(value.name);
    definitions.push({
      name: value.name,
      description: value.description,
      subject: value.subject,
      windowMs: parseDuration(value.window),
      alertThreshold: value.alert_threshold,
      caseThreshold: value.case_threshold ?? null,
      casePriority: value.case_priority,
      weights: value.weights,
      scoring: value.scoring,
      requiredRules: value.required_rules,
    });
  });
  if (problems.length > 0) throw new EngineError('CONFIG_INVALID', problems.join('\n'));
  return definitions;
}
