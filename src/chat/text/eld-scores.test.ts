import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eld } from 'eld/medium';
import { mulberry32 } from '../../../test/support/mulberry32.js';
import { loadEldScores } from './eld-scores.js';
import { shippedLexicons } from './shipped-lexicons.js';

const scores = await loadEldScores();

/** What `identifyLanguage` read of eld's own `detect` before `eld-scores.ts`: the reference. */
function eldAnswer(text: string) {
  const result = eld.detect(text);
  if (result.language === '') return { language: '', top: 0, second: 0, reliable: false };
  let top = 0;
  let second = 0;
  for (const score of Object.values(result.getScores())) {
    if (score > top) {
      second = top;
      top = score;
    } else if (score > second) second = score;
  }
  return { language: result.language, top, second, reliable: result.isReliable() };
}

/** A deterministic generator in [0, 1) (`mulberry32`), so a failure names a text that can be found again. */
function generator(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4_294_967_296;
}

/** Words from every script eld knows of and some it does not, digits, punctuation, emoji, odd spacing. */
const pieces = [
  'hello',
  'where',
  'are',
  'you',
  'bonjour',
  'ça',
  'va',
  'où',
  'hola',
  'qué',
  'tal',
  'mañana',
  'olá',
  'você',
  'não',
  'kumusta',
  'ka',
  'na',
  'ang',
  'Straße',
  'über',
  'größer',
  'привет',
  'как',
  'дела',
  'Γειά',
  'σου',
  'שלום',
  'مرحبا',
  'سلام',
  'नमस्ते',
  'হ্যালো',
  'สวัสดี',
  'こんにちは',
  '你好',
  '안녕하세요',
  'გამარჯობა',
  'Բարեւ',
  'ሰላም',
  'xin',
  'chào',
  'merhaba',
  'cześć',
  'dobrý',
  'den',
  'hej',
  'tere',
  'sveiki',
  'labas',
  'kaixo',
  "don't",
  'l’école',
  'a`b',
  '12345',
  '3pm',
  'u2',
  'lol',
  'haha',
  '!!!',
  '...',
  '🎁',
  '👍🏽',
  '😀😀',
  '\u{1F600}x',
  'https://example.test/x',
  'fake@example.test',
  '$fakename',
  'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz',
  'ÀÉÎÕÜ',
  'ǅ',
  'ﬁ',
  'Ⅻ',
  '\u00a0',
  '\t',
  '\n',
  '  ',
  '-',
  '_',
  '\u2019',
  "'",
];

function randomText(random: () => number, words: number): string {
  const parts: string[] = [];
  for (let index = 0; index < words; index++) {
    parts.push(pieces[Math.floor(random() * pieces.length)] as string);
    parts.push(random() < 0.8 ? ' ' : random() < 0.5 ? '\n' : '');
  }
  return parts.join('');
}

test("the same language, scores and reliability as eld's detect on every shipped lexicon phrase and its bank's sentences", () => {
  let compared = 0;
  for (const bank of shippedLexicons()) {
    const phrases = bank.entries.map((entry) => entry.phrase.replace(/\*/g, 'word'));
    for (const phrase of phrases) {
      assert.deepEqual(scores(phrase), eldAnswer(phrase), phrase);
      compared++;
    }
    // The bank's phrases run together, as a conversation's sample of 80–240 characters is.
    const joined = phrases.join('\n');
    for (let start = 0; start < joined.length; start += 60) {
      for (const length of [80, 160, 240, 1200]) {
        const text = joined.slice(start, start + length);
        assert.deepEqual(scores(text), eldAnswer(text), text);
        compared++;
      }
    }
  }
  assert.ok(compared > 1000, `${compared} texts compared`);
});

test("the same answers as eld's detect on mixed scripts, emoji, digits, long words and texts past eld's cuts", () => {
  const random = generator(20261207);
  const texts = ['', ' ', 'a', 'ab', 'abc', 'abcd', 'abcde', '   hello   ', '🎁🎁🎁 12345 !!!', 'x'.repeat(5000)];
  for (let index = 0; index < 4000; index++) texts.push(randomText(random, 1 + Math.floor(random() * 120)));
  for (const text of texts) assert.deepEqual(scores(text), eldAnswer(text), JSON.stringify(text));
});

test('a text with no letters eld scores has no language', () => {
  assert.deepEqual(scores('12345 !!! 🎁'), { language: '', top: 0, second: 0, reliable: false });
});
