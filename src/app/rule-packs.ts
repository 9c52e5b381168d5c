import { type ChatAnalyser, createChatPackFactory, metadataOnlyAnalyser } from '../chat/index.js';
import type { PackRegistry } from '../packs/index.js';
import { ocsePackFactory } from '../payments/index.js';
import { livestreamPackFactory } from '../streams/index.js';

/**
 * Every rule pack Prevail ships, registered here at the composition root and handed to the
 * engine (`openEngine(store, policy, { packRegistry: builtinPacks })`): each vertical owns its
 * pack, the engine knows none of them. `packs.yaml` enables, disables and configures them by
 * name; with a policy directory every registered pack loads unless disabled. Load order is this
 * order.
 */
export const builtinPacks: PackRegistry = Object.freeze([
  ocsePackFactory,
  livestreamPackFactory,
  createChatPackFactory({ analyser: chatPackAnalyser() }),
]);

/**
 * The text analyser the chat pack runs: for now the metadata-only one (it reads no text, so the
 * pack's text rules stay silent and the metadata-only typology works). Swap this one line for the
 * lexicon analyser (`createChatAnalyser(...)`) when it is on main.
 */
function chatPackAnalyser(): ChatAnalyser {
  return metadataOnlyAnalyser;
}
