import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifyLanguage, LanguageTracker, loadLanguageIdentification } from './language.js';

await loadLanguageIdentification();

test('whole sentences in the five shipped languages are identified; short lines are und', () => {
  const sentences: [string, string][] = [
    ['en', 'I finished my homework and now I am going to the park with my brother'],
    ['fr', "J'ai fini mes devoirs et maintenant je vais au parc avec mon frère"],
    ['es', 'Terminé mi tarea y ahora voy al parque con mi hermano'],
    ['pt', 'Eu terminei o meu dever de casa e agora vou ao parque com o meu irmão'],
    ['tl', 'Tapos na ako sa aking takdang aralin at pupunta na ako sa parke kasama ang kapatid ko'],
  ];
  for (const [language, text] of sentences) {
    const guess = identifyLanguage(text);
    assert.equal(guess.language, language, text);
    assert.ok(guess.confidence >= 0.5 && guess.confidence <= 1);
  }
  assert.deepEqual(identifyLanguage('ok lol'), { language: 'und', confidence: 0 });
  assert.deepEqual(identifyLanguage('🎁🎁🎁 12345 !!!'), { language: 'und', confidence: 0 });
});

test('the tracker settles on a conversation language from several short lines, and its state round-trips as JSON', () => {
  const tracker = new LanguageTracker();
  assert.equal(tracker.observe('hola').language, 'und');
  const lines = [
    '¿qué tal tu día?',
    'bien, fui al colegio y después jugué al fútbol con mis amigos',
    'qué bueno, yo estuve estudiando toda la tarde para el examen de mañana',
    'suerte con el examen, seguro que te sale muy bien',
    'gracias, mañana te cuento cómo me fue en el examen de matemáticas',
  ];
  let guess = tracker.current;
  for (const line of lines) guess = tracker.observe(line);
  assert.equal(guess.language, 'es');
  const saved = JSON.parse(JSON.stringify(tracker.state));
  const resumed = new LanguageTracker(saved);
  assert.deepEqual(resumed.current, tracker.current);
  if (resumed.state.settled) {
    assert.deepEqual(
      resumed.observe('hello there my friend, how are you doing today?'),
      tracker.current,
      'settled: later lines are not read',
    );
  }
  assert.ok(tracker.state.sample.length <= 600);
});

test('a confident first guess at 80 characters settles the conversation: later lines are not identified', () => {
  const tracker = new LanguageTracker();
  tracker.observe('bien, fui al colegio y después jugué al fútbol con mis amigos');
  assert.equal(tracker.state.identifiedAt, 0, 'under 80 characters: not identified yet');
  const guess = tracker.observe('qué bueno, yo estuve estudiando toda la tarde para el examen de mañana');
  assert.equal(guess.language, 'es');
  assert.ok(guess.confidence >= 0.6);
  assert.equal(tracker.state.settled, true, 'settled on the first identification');
  const sample = tracker.state.sample;
  tracker.observe('and now a line in another language that would move the guess');
  assert.equal(tracker.state.sample, sample, 'a settled tracker reads no more text');
  assert.equal(tracker.current.language, 'es');
});

test('letters are counted the same in ASCII and accented text (the floor of 12 letters)', () => {
  assert.equal(identifyLanguage('abc def ghi').language, 'und', '9 letters: under the floor');
  assert.equal(identifyLanguage('ééé ààà ççç').language, 'und', '9 accented letters: under the floor');
});
