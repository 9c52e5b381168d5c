import allow from '../lexicons/prevail-allow.json' with { type: 'json' };
import anyLanguage from '../lexicons/prevail-any.json' with { type: 'json' };
import english from '../lexicons/prevail-en.json' with { type: 'json' };
import spanish from '../lexicons/prevail-es.json' with { type: 'json' };
import french from '../lexicons/prevail-fr.json' with { type: 'json' };
import portuguese from '../lexicons/prevail-pt.json' with { type: 'json' };
import suppress from '../lexicons/prevail-suppress.json' with { type: 'json' };
import tagalog from '../lexicons/prevail-tl.json' with { type: 'json' };
import { checkLexicon, type LexiconBank } from './lexicon.js';

let checked: readonly LexiconBank[] | undefined;

/**
 * The lexicon banks Prevail ships (`src/chat/lexicons/*.json`): English, French, Spanish,
 * Portuguese and Tagalog indicator phrases, the `any` bank (app names, payment brands, in-game
 * currencies, emoji), and the allow and suppress banks. Checked on first use like an operator's
 * file (a broken shipped bank fails loudly, and a test loads them all). Coverage and sources:
 * `docs/chat-lexicons.md`.
 */
export function shippedLexicons(): readonly LexiconBank[] {
  checked ??= Object.entries({ english, french, spanish, portuguese, tagalog, anyLanguage, allow, suppress }).map(
    ([key, value]) => checkLexicon(value, `shipped lexicon ${key}`),
  );
  return checked;
}
