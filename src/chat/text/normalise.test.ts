import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Evasion, normalise } from './normalise.js';

/** Strings mixing plain words with every kind of character the normaliser treats specially. */
const chatText = fc
  .array(
    fc.oneof(
      fc.constantFrom('secret', 'Parents', 's3cr3t', 'p@rents', 'keeeep', "don't", 'café', 'ß', 'Æ', '10pm', '2024'),
      fc.constantFrom(
        ' ',
        '  ',
        '.',
        '\n',
        '\u0000',
        '\u200b',
        '\u202e',
        '\u0301',
        '\uD800',
        '\uDC00',
        '🎁',
        '👍🏽',
        'ｓ',
        'е',
        'ѕ',
        '𝐬',
        '中',
      ),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

test('offset map: every normalised character maps to a non-empty, in-bounds, ordered raw range', () => {
  fc.assert(
    fc.property(chatText, (raw) => {
      const n = normalise(raw);
      assert.equal(n.rawStarts.length, n.text.length);
      assert.equal(n.rawEnds.length, n.text.length);
      let previous = 0;
      for (let i = 0; i < n.text.length; i += 1) {
        const start = n.rawStarts[i] as number;
        const end = n.rawEnds[i] as number;
        assert.ok(start >= 0 && end <= raw.length && start <= end, `range ${start}..${end} of ${raw.length}`);
        if (n.text[i] !== ' ') assert.ok(end > start, 'a word character maps to at least one raw unit');
        assert.ok(start >= previous, 'ranges are in order');
        previous = start;
      }
      for (const token of n.tokens) {
        assert.ok(token.rawStart < token.rawEnd && token.rawEnd <= raw.length);
        assert.ok(token.key.length > 0);
      }
    }),
    { numRuns: 500 },
  );
});

test('normalising is idempotent: the normalised text normalises to itself', () => {
  fc.assert(
    fc.property(chatText, (raw) => {
      const once = normalise(raw).text;
      assert.equal(normalise(once).text, once);
    }),
    { numRuns: 500 },
  );
});

test('each token maps back to the raw words it came from', () => {
  const raw = 'Keep it SECRET, ok? s3cr3t';
  const n = normalise(raw);
  assert.deepEqual(
    n.tokens.map((token) => [token.key, raw.slice(token.rawStart, token.rawEnd)]),
    [
      ['kep', 'Keep'],
      ['it', 'it'],
      ['secret', 'SECRET'],
      ['ok', 'ok'],
      ['secret', 's3cr3t'],
    ],
  );
  const at = n.text.lastIndexOf('secret');
  assert.equal(raw.slice(n.rawStarts[at], n.rawEnds[at + 5]), 's3cr3t');
});

test('folding: case, diacritics, fullwidth, mathematical and Cyrillic look-alikes, leet, stretched letters, emoji', () => {
  const cases: [string, string, number][] = [
    ['SECRET', 'secret', 0],
    ['Café', 'cafe', 0],
    ['señor', 'senor', 0],
    ['ｓｅｃｒｅｔ', 'secret', Evasion.Confusable],
    ['𝐬𝐞𝐜𝐫𝐞𝐭', 'secret', Evasion.Confusable],
    ['sеcrеt', 'secret', Evasion.Confusable],
    ['s3cr3t', 'secret', Evasion.Leet],
    ['p@r3nts', 'parents', Evasion.Leet],
    ['secreeeeet', 'secret', Evasion.Stretch],
    ['se\u200bcret', 'secret', Evasion.Hidden],
    ['z̷̢a̸l̴g̵o̶', 'zalgo', 0],
  ];
  for (const [raw, key, flag] of cases) {
    const [token, ...rest] = normalise(raw).tokens;
    assert.equal(rest.length, 0, raw);
    assert.equal(token?.key, key, raw);
    assert.equal(token?.evasion, flag, raw);
  }
  assert.equal(normalise('gift 🎁 now').text, 'gift emoji_gift now');
});

test('digits stay digits in numbers, times and amounts; leet only inside words', () => {
  assert.equal(normalise('by 10pm, 24h, 5th, 100k, 2024').text, 'by 10pm 24h 5th 100k 2024');
  assert.equal(normalise('b4').text, 'b4');
  assert.equal(normalise('secret!').text, 'secret', 'a trailing symbol is punctuation');
  assert.equal(normalise("don't dont").text, 'dont dont', 'apostrophes join inside words');
});

test('a word wholly in another script keeps its letters and matches its look-alike as a second key', () => {
  const [word] = normalise('реасе').tokens; // every letter Cyrillic
  assert.equal(word?.key, 'реасе');
  assert.equal(word?.alt, 'peace');
  const [mixed] = normalise('sеcret').tokens;
  assert.equal(mixed?.key, 'secret');
  assert.equal(mixed?.alt, undefined);
});

test('spaced and dotted single letters are re-joined on a second track; words are never glued across separators', () => {
  const n = normalise('keep it s e c r e t or s.e.c.r.e.t please');
  assert.equal(n.text, 'kep it s e c r e t or s e c r e t please');
  assert.deepEqual(
    n.joined.map((token) => token.key),
    ['kep', 'it', 'secret', 'or', 'secret', 'please'],
  );
  const spaced = n.joined[2];
  assert.ok(spaced !== undefined && (spaced.evasion & Evasion.Spaced) !== 0);
  assert.equal('keep it s e c r e t or'.slice(spaced.rawStart, spaced.rawEnd), 's e c r e t');
  assert.equal(normalise('the secretary').joined.length, 2);
  assert.equal(normalise('I am a b').joined.length, 4, 'two single letters are not a run');
});

test('hostile inputs: NUL, lone surrogates, bidi overrides, zalgo, 20,000 characters, huge repeats → no throw, linear work', () => {
  const zalgo = `s${'\u0301\u0336\u0338'.repeat(300)}ecret`;
  const inputs = [
    '\u0000'.repeat(1000),
    '\uD800\uDC00\uDC00\uD800'.repeat(500),
    `\u202Etext\u202C\u2066x\u2069`.repeat(200),
    zalgo,
    'a'.repeat(20_000),
    'ab '.repeat(6_666),
    'e '.repeat(10_000),
    '🎁'.repeat(10_000),
    '\uFFFF\uFFFE'.repeat(5_000),
  ];
  for (const raw of inputs) {
    const n = normalise(raw);
    assert.ok(n.text.length <= raw.length * 12);
    assert.ok(n.normalisedShare >= 0 && n.normalisedShare <= 1);
  }
  assert.equal(normalise(zalgo).text, 'secret');
  assert.equal(normalise('a'.repeat(20_000)).text, 'a');
});
