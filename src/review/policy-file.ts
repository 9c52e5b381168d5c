import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EngineError } from '../core/index.js';

/**
 * Reads an optional YAML file of the policy directory (`console.yaml`, `reports.yaml`): its path
 * and parsed value, or undefined when there is no policy directory or no such file. Checking the
 * value is the caller's.
 *
 * @throws EngineError `CONFIG_INVALID` for YAML that does not parse.
 */
export async function readPolicyYaml(
  policyDirectory: string | undefined,
  name: string,
): Promise<{ readonly file: string; readonly value: unknown } | undefined> {
  if (policyDirectory === undefined) return undefined;
  const file = join(policyDirectory, name);
  if (!existsSync(file)) return undefined;
  try {
    return { file, value: parseYaml(await readFile(file, 'utf8')) };
  } catch (error) {
    throw new EngineError('CONFIG_INVALID', `${file}: not valid YAML: ${(error as Error).message}`);
  }
}
