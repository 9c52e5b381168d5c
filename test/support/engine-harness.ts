import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPacks } from '../../src/app/index.js';
import { openEngine } from '../../src/engine/index.js';
import type { PackRegistry } from '../../src/packs/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';

/** The example policy shipped in `examples/policy` (synthetic, benign). */
export const examplePolicy = fileURLToPath(new URL('../../examples/policy', import.meta.url));

/**
 * The rule packs a deployment registers (the composition root's `builtinPacks`): tests that open
 * an engine on a policy directory pass it as `packRegistry`, as `createServices` does.
 */
export const examplePacks: PackRegistry = builtinPacks;

/** An engine on a fresh SQLite store with the example policy; `reopen` simulates a restart. */
export async function startTestEngine(options: { dataDir?: string; snapshotEvery?: number } = {}) {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'prevail-engine-')));
  const storage: Storage = await openStorage({ dataDir });
  const { engine } = await openEngine(storage.engine, examplePolicy, {
    packRegistry: examplePacks,
    ...(options.snapshotEvery !== undefined ? { snapshotEvery: options.snapshotEvery } : {}),
  });
  return {
    dataDir,
    storage,
    engine,
    close: () => storage.close(),
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
}

let counter = 0;

/** A synthetic event with a unique id. */
export function syntheticEvent(
  type: string,
  entities: Record<string, string>,
  data: Record<string, unknown>,
  time: string,
  id = `evt-${++counter}`,
) {
  return { id, type, time, entities, data };
}
