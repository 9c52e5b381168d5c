import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../../core/index.js';
import type { PackFiles } from '../../packs/index.js';
import type { LexiconBank } from '../text/lexicon.js';
import { createChatPackFactory } from './chat-pack.js';
import { testAnalyser } from './test-analyser.js';

const ownBank = {
  name: 'own-words',
  version: 2,
  language: 'any',
  kind: 'indicators',
  sources: [{ title: 'written for this test' }],
  entries: [{ id: 'w.001', family: 'custom:coded_place', phrase: 'blue harbour', weight: 0.5 }],
};

function filesOf(contents: Record<string, string>): PackFiles {
  return {
    read(path) {
      const text = contents[path];
      if (text === undefined) throw new EngineError('CONFIG_INVALID', `${path}: no such file in the policy directory`);
      return text;
    },
  };
}

/** A factory whose analyser builder records the operator banks it is handed. */
function recordingFactory() {
  const calls: (readonly LexiconBank[])[] = [];
  const factory = createChatPackFactory({
    createAnalyser: async (banks) => {
      calls.push(banks);
      return testAnalyser;
    },
  });
  return { factory, calls };
}

test('lexicon_files: the named banks are checked and handed to the analyser beside the shipped ones', async () => {
  const { factory, calls } = recordingFactory();
  const pack = await factory.create(
    { lexicon_files: ['lexicons/own.json'] },
    filesOf({ 'lexicons/own.json': JSON.stringify(ownBank) }),
  );
  assert.equal(pack.name, 'chat_signals');
  assert.equal(calls.length, 1);
  assert.deepEqual(
    calls[0]?.map((bank) => bank.name),
    ['own-words'],
  );
  await factory.create(undefined, filesOf({}));
  assert.deepEqual(calls[1], [], 'no lexicon_files: the shipped banks alone');
});

test('lexicon_files: a bad bank, a missing file or no policy directory is CONFIG_INVALID naming the file', async () => {
  const { factory } = recordingFactory();
  const bad = { ...ownBank, entries: [{ ...ownBank.entries[0], weight: 2 }] };
  await assert.rejects(
    async () =>
      factory.create({ lexicon_files: ['lexicons/own.json'] }, filesOf({ 'lexicons/own.json': JSON.stringify(bad) })),
    (error: unknown) =>
      error instanceof EngineError && error.code === 'CONFIG_INVALID' && /own\.json/.test(error.message),
  );
  await assert.rejects(
    async () => factory.create({ lexicon_files: ['lexicons/absent.yaml'] }, filesOf({})),
    (error: unknown) =>
      error instanceof EngineError && error.code === 'CONFIG_INVALID' && /absent\.yaml/.test(error.message),
  );
  await assert.rejects(
    async () => factory.create({ lexicon_files: ['lexicons/own.json'] }),
    (error: unknown) => error instanceof EngineError && error.code === 'CONFIG_INVALID',
  );
});

test('analyse_text: false builds no analyser (metadata only)', async () => {
  const { factory, calls } = recordingFactory();
  await factory.create({ analyse_text: false, lexicon_files: ['lexicons/own.json'] });
  assert.equal(calls.length, 0);
});
