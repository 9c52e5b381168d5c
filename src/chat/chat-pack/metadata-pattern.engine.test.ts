import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  account,
  at,
  chatRulesActive,
  message,
  openChatEngine,
  sqliteDirectory,
} from '../../../test/support/chat-pack-rig.js';
import { createChatPack } from './index.js';
import { testAnalyser } from './test-analyser.js';
import { chatTypologyNames } from './typologies.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const dayMinutes = 1440;

/**
 * `sender` (a stated adult of 40, account `accountDays` old) sends one message without text to
 * each of 20 fresh stated minors within twenty minutes, after `reports` reports or blocks of it by
 * others: the metadata an end-to-end encrypted service sends. Answers the sender's
 * `chat_metadata_risk` score and the reasons the rule gave.
 */
async function burst(sender: string, accountDays: number, reports: number) {
  const place = await sqliteDirectory();
  cleanups.push(place.remove);
  const rig = await openChatEngine(
    await place.open(),
    [createChatPack({ analyser: testAnalyser }, { analyse_text: false })],
    chatRulesActive,
    place.directory,
  );
  const events: Record<string, unknown>[] = [account(sender, -accountDays * dayMinutes, { age_years: 40 })];
  for (let n = 0; n < reports; n++) {
    events.push({
      id: `rep-${n}`,
      type: 'report.filed',
      time: at(-60 + n),
      entities: { user: sender, reporter: `fake-reporter-${n}` },
      data: { category: 'block' },
    });
  }
  for (let n = 0; n < 20; n++) {
    events.push(account(`fake-minor-${n}`, -400 * dayMinutes, { age_years: 13, age_assurance: 'minor' }));
    events.push(message(`m-${n}`, sender, `fake-minor-${n}`, n, { chars: 12, local_hour: 18 }));
  }
  for (const event of events) {
    const [result] = await rig.engine.ingest([event], { wait: true });
    assert.equal(result?.status, 'accepted', JSON.stringify(result));
  }
  const risk = rig.engine
    .typologiesOf(`user:${sender}`)
    .find((entry) => entry.typology.name === chatTypologyNames.metadataRisk);
  const reasons = (await rig.storage.engine.hitsFor(`user:${sender}`, 100))
    .filter((hit) => hit.ruleId === 'chat_metadata_contact_pattern')
    .sort((a, b) => a.eventSeq - b.eventSeq)
    .map((hit) => hit.reason);
  await rig.close();
  return { score: risk?.score ?? 0, alertAt: risk?.typology.alertThreshold ?? Number.NaN, reasons };
}

describe('chat_metadata_contact_pattern through the engine (no text)', () => {
  test('a new adult account writing to 20 minors in a day, blocked twice, reaches the metadata-only alert', async () => {
    const { score, alertAt, reasons } = await burst('fake-new-adult', 2, 2);
    assert.ok(score >= alertAt, `score ${score}, alert at ${alertAt}`);
    const last = reasons.at(-1) ?? '';
    assert.match(last, /reported or blocked 2 times in 30 days/);
    assert.match(last, /fan-out to 20 accounts in 7 days/);
    assert.match(last, /an account 2 days old/);
  });

  test('an old account writing to the same 20 minors (a coach messaging the team) stays below three signals', async () => {
    const { score, reasons } = await burst('fake-coach', 400, 0);
    assert.equal(score, 0);
    assert.deepEqual(reasons, []);
  });

  test('the same coach, blocked twice, alerts too: metadata cannot tell the look-alike apart', async () => {
    const { score, alertAt } = await burst('fake-blocked-coach', 400, 2);
    assert.ok(score >= alertAt, `score ${score}, alert at ${alertAt}`);
  });
});
