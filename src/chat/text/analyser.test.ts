import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { ChatAnalysis } from '../chat-analysis.js';
import { createChatAnalyser } from './analyser.js';
import { loadLanguageIdentification } from './language.js';
import { checkLexicon } from './lexicon.js';

await loadLanguageIdentification();

const analyser = createChatAnalyser({ defaultPhoneRegion: 'US' });

function analyse(text: string, conversationLanguage?: string): ChatAnalysis {
  return analyser.analyse({
    messageId: 'msg-1',
    conversationId: 'conv-1',
    senderId: 'user-a',
    text,
    ...(conversationLanguage !== undefined ? { conversationLanguage } : {}),
  });
}

/** One neutral paraphrase per family per language (the conversation's language given, as the pack does). */
const perLanguage: Record<string, Record<string, string>> = {
  en: {
    secrecy: "Please don't tell your parents about this chat",
    platform_move: 'add me on telegram, this app is boring',
    age_location_probe: 'so what grade are you in?',
    gifts: 'I can buy you the new skin tonight',
    photo_call_request: 'turn on your camera for a sec',
    meeting: 'I can pick you up after class',
    exposure_threat: 'I will send it to your friends',
    deadline: 'you have 30 minutes',
    payment_instruction: 'buy a gift card and send the code',
  },
  fr: {
    secrecy: 'ne dis rien à tes parents',
    platform_move: "ajoute moi sur snap c'est mieux",
    age_location_probe: 'tu es en quelle classe ?',
    gifts: "je peux t'acheter des skins",
    photo_call_request: 'allume ta caméra stp',
    meeting: 'je viens te chercher demain',
    exposure_threat: "je vais l'envoyer à tes amis",
    deadline: 'tu as 20 minutes',
    payment_instruction: 'achète une carte cadeau et envoie le code',
  },
  es: {
    secrecy: 'no le digas a tus padres',
    platform_move: 'agrégame en telegram',
    age_location_probe: '¿en qué grado estás?',
    gifts: 'te mando dinero si quieres',
    photo_call_request: 'prende la cámara un momento',
    meeting: 'te paso a buscar a la salida',
    exposure_threat: 'lo voy a mandar a tus amigos',
    deadline: 'tienes 15 minutos',
    payment_instruction: 'compra una tarjeta de regalo y manda el código',
  },
  pt: {
    secrecy: 'não conta pros seus pais',
    platform_move: 'me chama no zap',
    age_location_probe: 'onde você estuda?',
    gifts: 'te mando dinheiro amanhã',
    photo_call_request: 'liga a câmera rapidinho',
    meeting: 'me passa seu endereço',
    exposure_threat: 'vou mandar para seus amigos',
    deadline: 'você tem 10 minutos',
    payment_instruction: 'faz um pix agora',
  },
  tl: {
    secrecy: 'wag mong sabihin sa parents mo ha',
    platform_move: 'chat tayo sa telegram',
    age_location_probe: 'anong grade mo na?',
    gifts: 'bibilhan kita ng bagong phone',
    photo_call_request: 'open mo camera mo',
    meeting: 'susunduin kita bukas',
    exposure_threat: 'ipapakita ko sa parents mo',
    deadline: 'may 10 minuto ka',
    payment_instruction: 'send mo sa gcash ngayon',
  },
};

for (const [language, cases] of Object.entries(perLanguage)) {
  test(`${language}: each family's neutral paraphrase is found, and in that language's bank`, () => {
    for (const [family, text] of Object.entries(cases)) {
      const result = analyse(text, language);
      const hit = result.hits.find((h) => h.family === family);
      assert.ok(
        hit !== undefined,
        `${language} ${family}: "${text}" gave ${JSON.stringify(result.hits.map((h) => h.family))}`,
      );
      assert.ok(hit.language === language || hit.language === 'any' || (language === 'tl' && hit.language === 'en'));
      assert.ok(hit.confidence > 0 && hit.confidence <= 1);
    }
  });
}

test('a hit carries provenance, a SHA-256 of the normalised span (never the span), and raw offsets', () => {
  const text = 'ok… Do your PARENTS check your phone?';
  const [hit] = analyse(text, 'en').hits;
  assert.ok(hit !== undefined);
  assert.equal(hit.family, 'secrecy');
  assert.equal(hit.lexicon, 'prevail-en');
  assert.equal(hit.lexiconVersion, 1);
  assert.match(hit.entryId, /^secrecy\.\d{3}$/);
  assert.equal(text.slice(hit.rawStart, hit.rawEnd), 'Do your PARENTS check your phone');
  assert.equal(hit.spanHash, createHash('sha256').update('do your parents check your phone').digest('hex'));
  assert.ok(!JSON.stringify(hit).includes('parents'), 'no text in the hit');
});

test('evasion undone: lower confidence, plus an evasion hit; the same words plainly give full weight', () => {
  const pairs: [string, string][] = [
    ["don't tell your parents", "d0n't t3ll y0ur p@r3nts"],
    ["don't tell your parents", 'ᴅᴏɴ’ᴛ ᴛᴇʟʟ ʏᴏᴜʀ ᴘᴀʀᴇɴᴛꜱ'],
    ["don't tell your parents", 'dont tell your ｐａｒｅｎｔｓ'],
    ["don't tell your parents", 'dont tell your pаrеnts'],
    ['keep this between us', 'k e e p  t h i s  b e t w e e n  u s'],
    ['our little secret', 'our little s.e.c.r.e.t'],
  ];
  for (const [plainText, evasive] of pairs) {
    const plain = analyse(plainText, 'en').hits.find((h) => h.family === 'secrecy');
    const result = analyse(evasive);
    const hit = result.hits.find((h) => h.family === 'secrecy');
    assert.ok(hit !== undefined, evasive);
    assert.ok(plain !== undefined && hit.confidence < plain.confidence, `${evasive}: ${hit.confidence}`);
    assert.ok(
      result.hits.some((h) => h.family === 'evasion' && h.lexicon === 'prevail-normaliser'),
      `${evasive} gives an evasion hit`,
    );
    assert.ok(result.normalisedShare > 0, evasive);
    assert.equal(analyse(plainText, 'en').normalisedShare, 0);
  }
});

test('look-alike false positives (documented in docs/chat-lexicons.md): these give no hit', () => {
  const benign = [
    'the secretary signs the forms on monday', // "secret" inside a longer word: words are matched whole
    'who is your secret santa this year?', // the allow bank removes the hit it overlaps
    'practice moved to thursday, the coach will see everyone at the gym', // plain scheduling
    'my parents read the school newsletter',
    'we played telegraph in class', // an app name inside a longer word
    'pay attention in class', // "pay me" needs both words
    'amigo secreto no sábado, quem você tirou?', // the Portuguese gift game, allowed
    'le père noël secret de la classe', // the French one
    'monito monita sa Friday!', // the Filipino one
  ];
  for (const text of benign) assert.deepEqual(analyse(text).hits, [], text);
  // Secrecy inside a gift game is still secrecy when it asks to hide something: span-level allow.
  const both = analyse("who is your secret santa? don't tell anyone", 'en').hits;
  assert.deepEqual(
    both.map((h) => h.family),
    ['secrecy'],
  );
});

test('suppress lowers, it does not remove: a surprise party keeps a weaker secrecy hit', () => {
  const plain = analyse("don't tell your dad", 'en').hits.find((h) => h.family === 'secrecy');
  const party = analyse("surprise party for dad on friday, don't tell your dad!", 'en').hits.find(
    (h) => h.family === 'secrecy',
  );
  assert.ok(plain !== undefined && party !== undefined);
  assert.equal(party.confidence, Math.round(plain.confidence * 0.5 * 1000) / 1000);
});

test('language: a known conversation language runs its bank and any; und runs every bank', () => {
  const english = analyse('ne dis rien à tes parents', 'en');
  assert.ok(!english.hits.some((h) => h.lexicon === 'prevail-fr'), 'a French phrase in an English conversation');
  const undetermined = analyse('ne dis rien à tes parents', 'und');
  assert.ok(undetermined.hits.some((h) => h.lexicon === 'prevail-fr'));
  const own = analyse("hi there, how was school today? don't tell anyone but I failed maths");
  assert.equal(own.language, 'en');
  assert.ok(own.languageConfidence >= 0.5);
  assert.equal(analyse('ok').language, 'und');
});

test('operator banks join the shipped ones; custom families come out as hits', () => {
  const own = checkLexicon(
    {
      name: 'own-words',
      version: 3,
      language: 'any',
      kind: 'indicators',
      sources: [{ title: 'our trust and safety team' }],
      entries: [{ id: 'harbour', family: 'custom:coded_place', phrase: 'blue harbour', weight: 0.9 }],
    },
    'own.json',
  );
  const withOwn = createChatAnalyser({ extraLexicons: [own] });
  assert.ok(withOwn.lexicons.some((l) => l.name === 'own-words' && l.version === 3));
  const [hit] = withOwn.analyse({
    messageId: 'm',
    conversationId: 'c',
    senderId: 's',
    text: 'see you at Blue Harbour',
  }).hits;
  assert.equal(hit?.family, 'custom:coded_place');
  assert.equal(hit?.lexicon, 'own-words');
});

test('hostile messages: no throw, the text is capped at 20,000 characters', () => {
  const inputs = [
    '\u0000\uD800 add me on \u202Etelegram\u202C',
    `${'don’t tell '.repeat(3000)}`,
    's'.repeat(50_000),
    '🎁💸'.repeat(6000),
    `pay $${'a'.repeat(19)} `.repeat(2000),
  ];
  for (const text of inputs) {
    const result = analyse(text);
    assert.ok(result.hits.length <= 400);
    assert.ok(result.handles.length <= 50);
    for (const hit of result.hits) assert.ok(hit.rawEnd <= 20_000);
  }
});
