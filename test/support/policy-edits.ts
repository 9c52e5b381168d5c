import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Edits of a copied policy directory for the rules reload tests (SIGHUP, `POST
 * /v1/rules/reload`): one more valid rule, or a file that does not validate, in `rules/<file>`.
 */

/** Writes `rules/<file>` holding one fake shadow rule `id` (it never fires on the tests' events). */
export function writeExtraRule(policy: string, file: string, id: string): Promise<void> {
  return writeFile(
    join(policy, 'rules', file),
    [
      'rules:',
      `  - id: ${id}`,
      '    description: a fake rule added by a reload test',
      '    events: [payment.sent]',
      "    when: 'event.data.amount > 1000000.0'",
      '    mode: shadow',
      '    effects:',
      '      - verdict: review',
      '',
    ].join('\n'),
  );
}

/** Writes `rules/<file>` holding YAML that does not parse: a reload must keep the old set. */
export function writeBrokenRule(policy: string, file: string): Promise<void> {
  return writeFile(join(policy, 'rules', file), 'rules:\n  - id: broken\n    when: [\n');
}

/** Waits (bounded: `withinMs`, default 20 s) until `read()` holds `text`; the text read last. */
export async function waitForText(read: () => string, text: string | RegExp, withinMs = 20_000): Promise<string> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const seen = read();
    if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`did not see ${String(text)} within ${withinMs} ms:\n${read()}`);
}
