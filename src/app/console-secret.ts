import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../core/index.js';

/** The file under the data directory that keeps a generated console secret. */
export const consoleSecretFile = 'console-secret';

/**
 * The review console's secret (32 bytes): `PREVAIL_CONSOLE_SECRET` when set (64 hex characters),
 * else the one kept in `<dataDir>/console-secret`, generated there (mode 0600) on first use. A
 * secret that changes changes every media item id, so it is kept, not drawn per start.
 *
 * @throws EngineError `CONFIG_INVALID` when the setting or the kept file is not 64 hex characters.
 */
export async function loadConsoleSecret(dataDir: string, configured?: string): Promise<Buffer> {
  const fromHex = (text: string, where: string): Buffer => {
    if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new EngineError('CONFIG_INVALID', `${where} must be 64 hex characters`);
    return Buffer.from(text, 'hex');
  };
  if (configured !== undefined) return fromHex(configured, 'PREVAIL_CONSOLE_SECRET');
  const path = join(dataDir, consoleSecretFile);
  try {
    return fromHex((await readFile(path, 'utf8')).trim(), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await mkdir(dataDir, { recursive: true });
  try {
    // `wx`: two processes starting at once keep the first one's secret.
    await writeFile(path, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fromHex((await readFile(path, 'utf8')).trim(), path);
  }
}
