import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../../events/index.js';
import type { ChatMessageInput } from '../chat-analysis.js';
import { loadLanguageIdentification } from '../text/language.js';
import { chatDeriver } from './derive-indicators.js';
import { testAnalyser } from './test-analyser.js';

function message(id: string, conversation: string, text: string): EngineEvent {
  return {
    id,
    type: 'message.sent',
    time: '2026-11-06T10:00:00Z',
    entities: { user: 'u-fake-1', recipient: 'u-fake-2', conversation },
    data: { text },
  } as unknown as EngineEvent;
}

test('the deriver identifies each conversation’s language once it has enough text, and hands it to the analyser', async () => {
  await loadLanguageIdentification();
  const seen: ChatMessageInput[] = [];
  const deriver = chatDeriver(
    {
      lexicons: testAnalyser.lexicons,
      analyse(input) {
        seen.push(input);
        return testAnalyser.analyse(input);
      },
    },
    true,
  );
  const context = { idFor: (suffix: string) => `x#${suffix}` };
  const french = [
    'Bonjour, comment vas-tu aujourd’hui ? Je voulais te demander quelque chose.',
    'Nous avons un entraînement demain matin au gymnase de la ville avec toute l’équipe.',
    'N’oublie pas d’apporter ta bouteille d’eau et tes chaussures de sport, merci beaucoup.',
    'À demain !',
  ];
  for (const [index, text] of french.entries()) deriver(message(`fr-${index}`, 'conv-fr', text), context);
  deriver(message('en-0', 'conv-en', 'hi'), context);
  const languages = seen.map((input) => input.conversationLanguage);
  assert.equal(languages[0], 'und', 'too little text yet: every lexicon runs');
  assert.equal(languages[3], 'fr', 'the short last message is read in the conversation’s language');
  assert.equal(languages[4], 'und', 'another conversation starts again');
});
