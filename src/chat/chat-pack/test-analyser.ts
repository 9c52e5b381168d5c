import { createHash } from 'node:crypto';
import type { ChatAnalyser, ExtractedHandle, IndicatorHit } from '../chat-analysis.js';
import type { IndicatorFamily } from '../indicator-families.js';

/**
 * Test support for the pack's tests (not part of the pack): a stand-in analyser that knows a few
 * fixed, plainly fake and benign phrases, one family each, and `$fake…` payment handles. The real
 * analyser (normaliser, lexicon banks, language identification) is built elsewhere; the pack only
 * depends on the `ChatAnalyser` contract.
 */
const phrases: readonly (readonly [string, IndicatorFamily])[] = [
  ['keep this between us', 'secrecy'],
  ['add me on the other app', 'platform_move'],
  ['what grade are you in', 'age_location_probe'],
  ['i can send you game coins', 'gifts'],
  ['send me a picture', 'photo_call_request'],
  ['i will show everyone at your school', 'exposure_threat'],
  ['you have one hour', 'deadline'],
  ['buy gift cards and send the codes', 'payment_instruction'],
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const testAnalyser: ChatAnalyser = {
  lexicons: [{ name: 'test-phrases', version: 1, language: 'en' }],
  analyse(message) {
    const lower = message.text.toLowerCase();
    const hits: IndicatorHit[] = [];
    phrases.forEach(([phrase, family], index) => {
      const at = lower.indexOf(phrase);
      if (at < 0) return;
      hits.push({
        family,
        confidence: 0.9,
        language: 'en',
        lexicon: 'test-phrases',
        lexiconVersion: 1,
        entryId: `test-${index}`,
        spanHash: sha256(phrase),
        rawStart: at,
        rawEnd: at + phrase.length,
      });
    });
    const handles: ExtractedHandle[] = [];
    for (const match of message.text.matchAll(/\$fake[a-z0-9_-]{1,30}/gi)) {
      const value = match[0].toLowerCase();
      handles.push({
        kind: 'p2p_handle',
        value,
        entityId: `p2p_handle:${value}`,
        rawStart: match.index,
        rawEnd: match.index + match[0].length,
      });
    }
    return { language: 'en', languageConfidence: 0.9, hits, handles, normalisedShare: 0 };
  },
};
