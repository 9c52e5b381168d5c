import { open } from 'node:fs/promises';
import { EngineError } from '../core/index.js';

/**
 * Reads a whole file, refusing it (without reading it) when it is larger than `maxBytes`.
 *
 * @throws EngineError `INPUT_NOT_FOUND`, `INPUT_UNREADABLE` (a directory, no permission, I/O
 *   error) or `INPUT_TOO_LARGE`.
 */
export async function readFileLimited(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new EngineError('INPUT_UNREADABLE', `${path} is not a regular file`);
    if (stats.size > maxBytes) {
      throw new EngineError('INPUT_TOO_LARGE', `${path} is ${stats.size} bytes; the limit is ${maxBytes}`);
    }
    return new Uint8Array(await handle.readFile());
  } catch (error) {
    throw fileError(path, error);
  } finally {
    await handle.close();
  }
}

function fileError(path: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new EngineError('INPUT_NOT_FOUND', `${path} does not exist`, { cause: error });
  return new EngineError('INPUT_UNREADABLE', `${path} could not be read (${code ?? 'error'})`, { cause: error });
}
