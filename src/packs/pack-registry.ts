import { EngineError } from '../core/index.js';
import type { PackFactory, PackRegistry } from './rule-pack.js';

/**
 * The factory called `name` in `registry`: how `packs.yaml` names a pack.
 *
 * @throws EngineError `CONFIG_INVALID` naming the registered packs, so a typo in `packs.yaml`
 *   (or a pack the deployment did not register) is found at start-up, not ignored.
 */
export function packFactory(registry: PackRegistry, name: string): PackFactory {
  const factory = registry.find((pack) => pack.name === name);
  if (factory === undefined) {
    throw new EngineError(
      'CONFIG_INVALID',
      `unknown rule pack '${name}'; known: ${registry.map((pack) => pack.name).join(', ')}`,
    );
  }
  return factory;
}
