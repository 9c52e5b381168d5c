import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../support/engine-harness.js';

test('an event logged while a drain finds nothing to do is still processed by that drain (no lost wake-up)', async () => {
  const harness = await startTestEngine();
  try {
    const { engine, storage } = harness;
    const log = storage.engine.events;
    const readAfter = log.readAfter.bind(log);
    let interleaved = false;
    // The drain reads the log and finds nothing; before that empty answer reaches it, another
    // caller commits an event and asks for a drain, which shares the run already going.
    log.readAfter = async (afterSeq, limit) => {
      const found = await readAfter(afterSeq, limit);
      if (!interleaved && found.length === 0) {
        interleaved = true;
        await log.append([
          {
            id: 'late-1',
            type: 'account.updated',
            time: '2026-11-01T08:00:00.000Z',
            timeMs: Date.parse('2026-11-01T08:00:00.000Z'),
            entities: { user: 'late-user' },
            data: { changed: ['email'] },
          },
        ]);
        void engine.drain();
      }
      return found;
    };
    await engine.drain();
    assert.ok(interleaved, 'the interleaving happened');
    assert.equal(engine.processedSeq, await log.lastSeq(), 'the drain went on to the event logged meanwhile');
  } finally {
    await harness.close();
    await harness.remove();
  }
});
