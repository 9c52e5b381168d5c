import {
  type ChatAnalyser,
  createChatAnalyser,
  createChatPackFactory,
  type LexiconBank,
  loadLanguageIdentification,
} from '../chat/index.js';
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
  createChatPackFactory({ createAnalyser: chatAnalyser }),
]);

let shippedOnly: ChatAnalyser | undefined;

/**
 * The chat pack's text analyser: the shipped lexicon banks (`src/chat/lexicons/`) plus the
 * operator's. The one over the shipped banks alone is built once per process and kept (a rules
 * reload builds the pack again, not its banks).
 */
async function chatAnalyser(operatorLexicons: readonly LexiconBank[]): Promise<ChatAnalyser> {
  await loadLanguageIdentification();
  if (operatorLexicons.length > 0) return createChatAnalyser({ extraLexicons: operatorLexicons });
  shippedOnly ??= createChatAnalyser();
  return shippedOnly;
}
