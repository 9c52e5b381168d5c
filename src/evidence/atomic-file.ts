import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes `path` so that a reader (or a crash) sees either the old file or the whole new one, never
 * a part: the content goes to a temporary name beside it (`.<name>.<random>.tmp`, mode 0600),
 * is flushed to disk, and is renamed over `path` (atomic within one directory on POSIX).
 * The temporary file is removed when anything fails.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const slash = path.lastIndexOf('/');
  const temporary = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
