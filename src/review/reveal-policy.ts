import { z } from 'zod';
import { describeIssues, EngineError } from '../core/index.js';
import { readPolicyYaml } from './policy-file.js';

/** Per kind of reveal in the console: whether the reviewer must give a reason. */
export interface RevealPolicy {
  /** Revealing a chat message's text (`ReviewService.revealMessage`). */
  readonly messageText: { readonly reasonRequired: boolean };
}

/**
 * The default: a reason to reveal a chat message's text. Reading what a child was sent is an
 * intrusion into a private conversation even when it is needed to decide the case; the reason is
 * what an auditor reads later. (Media reveals keep their default reason: their warning screen and
 * budget already stand between the reviewer and the picture.)
 */
export const defaultRevealPolicy: RevealPolicy = Object.freeze({ messageText: { reasonRequired: true } });

const revealsSchema = z.strictObject({
  messageText: z.strictObject({ reasonRequired: z.boolean() }).optional(),
});
/** `console.yaml`: other sections belong to other parts of the console; `reveals` is checked strictly. */
const consoleFileSchema = z.looseObject({ reveals: revealsSchema.optional() });

/**
 * The reveal policy from parsed `console.yaml` content (`reveals: {messageText: {reasonRequired:
 * false}}`), over the defaults. `source` names the file in messages.
 *
 * @throws EngineError `CONFIG_INVALID` naming every problem.
 */
export function parseRevealPolicy(value: unknown, source: string): RevealPolicy {
  const parsed = consoleFileSchema.safeParse(value ?? {});
  if (!parsed.success)
    throw new EngineError('CONFIG_INVALID', `${source}: ${describeIssues(parsed.error.issues, '(file)')}`);
  return Object.freeze({ messageText: parsed.data.reveals?.messageText ?? defaultRevealPolicy.messageText });
}

/**
 * Reads the `reveals` section of `<policyDirectory>/console.yaml`; the defaults when there is no
 * policy directory, no such file or no such section.
 *
 * @throws EngineError `CONFIG_INVALID` for YAML that does not parse or a malformed `reveals`.
 */
export async function loadRevealPolicy(policyDirectory: string | undefined): Promise<RevealPolicy> {
  const read = await readPolicyYaml(policyDirectory, 'console.yaml');
  return read === undefined ? defaultRevealPolicy : parseRevealPolicy(read.value, read.file);
}
