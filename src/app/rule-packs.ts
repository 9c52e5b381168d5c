import type { PackRegistry } from '../packs/index.js';
import { ocsePackFactory } from '../payments/index.js';
import { livestreamPackFactory } from '../streams/index.js';

/**
 * Every rule pack Prevail ships, registered here at the composition root and handed to the
 * engine (`openEngine(store, policy, { packRegistry: builtinPacks })`): each vertical owns its
 * pack, the engine knows none of them. `packs.yaml` enables, disables and configures them by
 * name; with a policy directory every registered pack loads unless disabled. Load order is this
 * order. A new vertical (chat) adds its factory here.
 */
export const builtinPacks: PackRegistry = Object.freeze([ocsePackFactory, livestreamPackFactory]);
