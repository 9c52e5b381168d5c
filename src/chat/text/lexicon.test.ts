import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isEngineError } from '../../core/index.js';
import { indicatorFamilies } from '../indicator-families.js';
import { checkLexicon, lexiconLimits } from './lexicon.js';
import { loadOperatorLexicons, parseLexiconText } from './lexicon-files.js';
import { shippedLexicons } from './shipped-lexicons.js';

function bank(entries: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'test-bank',
    version: 1,
    language: 'en',
    kind: 'indicators',
    sources: [{ title: 'written for this test' }],
    entries,
    ...overrides,
  };
}

function entry(id: string, phrase: string, family = 'secrecy', weight = 0.5): Record<string, unknown> {
  return { id, family, phrase, weight };
}

function rejects(value: unknown, reason: RegExp): void {
  assert.throws(
    () => checkLexicon(value, 'test.json'),
    (error: unknown) => isEngineError(error) && error.code === 'LEXICON_INVALID' && reason.test(error.message),
    String(reason),
  );
}

test('a bank is checked like a rule: coded errors that name the entry and the reason', () => {
  rejects(bank([entry('a.one', 'keep it quiet'), entry('a.one', 'keep it hidden')]), /entry 'a\.one'.*duplicate id/);
  rejects(bank([entry('a.one', 'keep it quiet', 'grooming')]), /entry 'a\.one'.*unknown family 'grooming'/);
  rejects(bank([entry('a.one', 'keep it quiet', 'custom:Bad Name')]), /unknown family/);
  rejects(bank([entry('a.one', 'keep it quiet', 'evasion')]), /computed by the normaliser/);
  rejects(bank([entry('a.one', '!!! ...')]), /entry 'a\.one'.*empty after normalisation/);
  rejects(bank([entry('a.one', 'the')]), /over-broad/);
  rejects(bank([entry('a.one', '* quiet')]), /may not start or end with '\*'/);
  rejects(bank([entry('a.one', 'keep * * * quiet')]), /more than 2 '\*'/);
  rejects(bank([entry('a.one', 'sec*')]), /prefix word needs at least 4/);
  rejects(bank([entry('a.one', 'keep it quiet', 'secrecy', 0)]), /'weight' must be a number in \(0, 1\]/);
  rejects(bank([entry('a.one', 'keep it quiet', 'secrecy', 1.5)]), /'weight'/);
  rejects(bank([entry('a.one', 'Keep it QUIET'), entry('a.two', 'keep   it quiet!')]), /same phrase as entry 'a\.one'/);
  rejects(bank([entry('a.one', 'keep it quiet', '*')]), /only for allow and suppress/);
  rejects(bank([entry('a.one', 'one two three four five six seven eight nine')]), /more than 8 words/);
  const many = Array.from({ length: lexiconLimits.maxEntries + 1 }, (_, i) => entry(`e.${i}`, `word${i} here`));
  rejects(bank(many), /more than 5000 entries/);
  rejects(bank([entry('a.one', 'keep it quiet')], { sources: [] }), /'sources' must list/);
  rejects(bank([entry('a.one', 'keep it quiet')], { language: 'de' }), /'language' must be one of/);
  rejects(bank([entry('a.one', 'keep it quiet')], { version: 0 }), /'version'/);
  rejects(bank([entry('a.one', 'keep it quiet')], { name: 'Bad Name' }), /name 'Bad Name'/);
  rejects(bank([]), /'entries' must be a non-empty list/);
});

test("a good bank passes, with operators' own custom families and allow banks using '*'", () => {
  const checked = checkLexicon(
    bank([entry('own.one', 'keep it quiet', 'custom:team_words'), entry('own.two', 'meet * the park', 'meeting')]),
    'ok.json',
  );
  assert.equal(checked.entries.length, 2);
  const allow = checkLexicon(bank([entry('ok.any', 'secret santa', '*', 1)], { kind: 'allow' }), 'allow.json');
  assert.equal(allow.kind, 'allow');
});

test('the shipped banks load, cover every lexicon family in every language, and hold no evasion entries', () => {
  const banks = shippedLexicons();
  const names = banks.map((b) => b.name);
  assert.deepEqual(names, [
    'prevail-en',
    'prevail-fr',
    'prevail-es',
    'prevail-pt',
    'prevail-tl',
    'prevail-any',
    'prevail-allow',
    'prevail-suppress',
  ]);
  const lexiconFamilies = indicatorFamilies.filter((family) => family !== 'evasion');
  for (const language of ['en', 'fr', 'es', 'pt', 'tl']) {
    const languageBank = banks.find((b) => b.language === language && b.kind === 'indicators');
    assert.ok(languageBank !== undefined, language);
    for (const family of lexiconFamilies) {
      assert.ok(
        languageBank.entries.some((e) => e.family === family),
        `${language} has at least one ${family} entry`,
      );
    }
  }
});

test('operator lexicons: read from <policy>/lexicons (JSON and YAML), names unique, bad files refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'prevail-lexicons-'));
  try {
    assert.deepEqual(await loadOperatorLexicons(dir), [], 'no folder, no banks');
    await mkdir(join(dir, 'lexicons'));
    await writeFile(join(dir, 'lexicons', 'a.json'), JSON.stringify(bank([entry('x.one', 'keep it quiet')])));
    await writeFile(
      join(dir, 'lexicons', 'b.yaml'),
      'name: own-words\nversion: 2\nlanguage: any\nkind: indicators\nsources: [{title: ours}]\nentries:\n  - {id: w.one, family: "custom:own", phrase: "blue harbour", weight: 0.4}\n',
    );
    await writeFile(join(dir, 'lexicons', 'notes.txt'), 'ignored');
    const banks = await loadOperatorLexicons(dir);
    assert.deepEqual(
      banks.map((b) => [b.name, b.version]),
      [
        ['test-bank', 1],
        ['own-words', 2],
      ],
    );
    await writeFile(
      join(dir, 'lexicons', 'c.json'),
      JSON.stringify(bank([entry('x.one', 'keep it quiet')], { name: 'prevail-en' })),
    );
    await assert.rejects(loadOperatorLexicons(dir), /already loaded; names must be unique/);
    await rm(join(dir, 'lexicons', 'c.json'));
    await writeFile(join(dir, 'lexicons', 'd.json'), '{ not json');
    await assert.rejects(
      loadOperatorLexicons(dir),
      (error: unknown) => isEngineError(error) && error.code === 'LEXICON_INVALID',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('YAML aliases are refused (no alias expansion)', () => {
  assert.throws(() => parseLexiconText('a: &x [1]\nb: *x\n', 'x.yaml'), /LEXICON|not valid/);
});
