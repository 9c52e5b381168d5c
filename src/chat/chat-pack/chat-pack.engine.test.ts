import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { actionSecretEnv } from '../../../test/support/action-rig.js';
import {
  account,
  at,
  chatRulesActive,
  message,
  openChatEngine,
  sqliteDirectory,
} from '../../../test/support/chat-pack-rig.js';
import { type ActionPlanner, createActionPlanner, parseActionPolicy } from '../../actions/index.js';
import { compileRouting, parseQueuePolicy, routeCase } from '../../queues/index.js';
import type { ChatAnalyser } from '../chat-analysis.js';
import { createChatPack } from './index.js';
import { testAnalyser } from './test-analyser.js';

const adult = 'fake-adult-1';
const child = 'fake-child-1';
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function rig(analyser: ChatAnalyser = testAnalyser, settings?: unknown, actions?: ActionPlanner) {
  const place = await sqliteDirectory();
  cleanups.push(place.remove);
  const storage = await place.open();
  const opened = await openChatEngine(
    storage,
    [createChatPack({ analyser }, settings)],
    chatRulesActive,
    place.directory,
    actions,
  );
  return { ...opened, place };
}

async function loggedEvents(storage: {
  engine: {
    events: {
      readAfter(
        seq: number,
        limit: number,
      ): Promise<{ id: string; type: string; entities: Readonly<Record<string, string>> }[]>;
    };
  };
}) {
  return storage.engine.events.readAfter(0, 10_000);
}

describe('chat pack derivation through the engine (SQLite)', () => {
  test('a message derives its indicators and handles in the same append, with deterministic ids, exactly once', async () => {
    const { storage, engine, place, close } = await rig();
    const text = 'keep this between us and add me on the other app, pay $fake-handle-9';
    const [result] = await engine.ingest([message('m-1', adult, child, 0, { text })], { wait: true });
    assert.equal(result?.status, 'accepted');
    const events = await loggedEvents(storage);
    assert.deepEqual(
      events.map((event) => `${event.id} ${event.type}`),
      ['m-1 message.sent', 'm-1#ind0 chat.indicator', 'm-1#ind1 chat.indicator', 'm-1#handle0 chat.handle'],
    );
    assert.equal(events[0]?.entities.dyad, `${adult}~${child}`);
    assert.equal(events[3]?.entities.handle, 'p2p_handle:$fake-handle-9');
    // Sent again: a duplicate, and nothing derived twice.
    const [again] = await engine.ingest([message('m-1', adult, child, 0, { text })], { wait: true });
    assert.equal(again?.status, 'duplicate');
    assert.equal((await loggedEvents(storage)).length, 4);
    await close();
    // A restart reads the log; it derives nothing again.
    const reopened = await openChatEngine(
      await place.open(),
      [createChatPack({ analyser: testAnalyser })],
      chatRulesActive,
      place.directory,
    );
    await reopened.engine.drain();
    assert.equal((await loggedEvents(reopened.storage)).length, 4);
    await reopened.close();
  });

  test('metadata only: no text, no analyser call, the dyad still added; hostile texts are bounded', async () => {
    let calls = 0;
    const counting: ChatAnalyser = {
      ...testAnalyser,
      analyse: (input) => {
        calls++;
        return testAnalyser.analyse(input);
      },
    };
    const { storage, engine, close } = await rig(counting);
    const tail = ' keep this between us';
    const long = `${'a'.repeat(20_000 - tail.length)}${tail}`;
    const results = await engine.ingest(
      [
        message('m-meta', adult, child, 0, { mutual_contacts: 0, local_hour: 2 }),
        message('m-long', adult, child, 1, { text: long }),
        message('m-over', adult, child, 2, { text: 'a'.repeat(20_001) }),
        message('m-nul', adult, child, 3, { text: 'keep this\u0000between us' }),
        message('m-group', adult, child, 4, { text: 'keep this between us' }),
      ].map((event, index) => (index === 4 ? { ...event, entities: { user: adult, conversation: 'group-1' } } : event)),
      { wait: true },
    );
    assert.deepEqual(
      results.map((result) => result.status),
      ['accepted', 'accepted', 'rejected', 'rejected', 'accepted'],
    );
    assert.equal(long.length, 20_000);
    assert.equal(calls, 1, 'only the long text was analysed (none without text, none for a group message)');
    const events = await loggedEvents(storage);
    assert.deepEqual(
      events.map((event) => event.id),
      ['m-meta', 'm-long', 'm-long#ind0', 'm-group'],
    );
    assert.equal(events[0]?.entities.dyad, `${adult}~${child}`);
    assert.equal(events[3]?.entities.dyad, undefined);
    await close();
  });

  test('a derivation that throws: the message logs and is processed, the failure is a coded dead letter, the engine goes on', async () => {
    const failing: ChatAnalyser = {
      ...testAnalyser,
      analyse: (input) => {
        if (input.text.includes('boom')) throw new Error('synthetic analyser failure');
        return testAnalyser.analyse(input);
      },
    };
    const { storage, engine, problems, close } = await rig(failing);
    const results = await engine.ingest(
      [
        message('m-boom', adult, child, 0, { text: 'boom' }),
        message('m-ok', adult, child, 1, { text: 'keep this between us' }),
      ],
      { wait: true },
    );
    assert.deepEqual(
      results.map((result) => result.status),
      ['accepted', 'accepted'],
    );
    const letters = await engine.deadLetters();
    assert.equal(letters.length, 1);
    assert.equal(letters[0]?.code, 'EVENT_DERIVATION_FAILED');
    assert.equal(letters[0]?.eventId, 'm-boom#derive');
    assert.match(letters[0]?.message ?? '', /synthetic analyser failure/);
    assert.equal(problems.filter((problem) => problem.kind === 'dead_letter').length, 1);
    assert.deepEqual(
      (await loggedEvents(storage)).map((event) => event.id),
      ['m-boom', 'm-ok', 'm-ok#ind0'],
    );
    // The failed message was logged and processed as sent, without the pack's additions (no dyad
    // role): the pair's count has only the other message.
    const logged = await loggedEvents(storage);
    assert.equal(logged[0]?.entities.dyad, undefined);
    assert.equal(logged[1]?.entities.dyad, `${adult}~${child}`);
    assert.equal(
      engine.features.value('chat_dyad_messages_low_to_high_30d', `dyad:${adult}~${child}`, Date.parse(at(5))),
      1,
    );
    await close();
  });
});

describe('chat pack rules through the engine (SQLite)', () => {
  const ages = [
    account(adult, -60 * 24 * 100, { age_years: 34, age_source: 'declared' }),
    account(child, -60 * 24 * 400, { age_years: 13, age_source: 'assured' }),
  ];

  test('one family only sets a lapsing label; two families from an adult to a minor open a grooming case', async () => {
    const { storage, engine, close } = await rig();
    await engine.ingest([...ages, message('g-1', adult, child, 0, { text: 'what grade are you in' })], { wait: true });
    assert.deepEqual(engine.labelsOf(`dyad:${adult}~${child}`), ['chat_indicator_recent']);
    assert.equal((await storage.engine.cases.list({})).length, 0);
    await engine.ingest([message('g-2', adult, child, 5, { text: 'keep this between us' })], { wait: true });
    const cases = await storage.engine.cases.list({});
    assert.deepEqual(
      cases.map((item) => [item.subject, item.typology, item.source]),
      [[`user:${adult}`, 'chat_grooming', 'chat']],
    );
    await close();
  });

  test('interventions are actions apart from the case: warn the younger user and restrict new contacts', async () => {
    const policy = parseActionPolicy(
      [
        'endpoints:',
        '  platform: { url: "http://127.0.0.1:9/hook", secret_env: PREVAIL_ACTION_SECRET_TEST }',
        'actions:',
        '  - { name: chat_warn_younger_user, kind: warn_user, mode: active, endpoints: [platform] }',
        '  - { name: chat_restrict_new_contacts, kind: restrict_account, mode: shadow, endpoints: [platform] }',
      ].join('\n'),
      { env: actionSecretEnv },
    );
    const { storage, engine, close } = await rig(testAnalyser, undefined, createActionPlanner(policy));
    await engine.ingest(
      [
        ...ages,
        message('i-1', adult, child, 0, { text: 'what grade are you in' }),
        message('i-2', adult, child, 5, { text: 'keep this between us' }),
      ],
      { wait: true },
    );
    const rows = await storage.outbox.list({ limit: 10 });
    assert.deepEqual(
      rows.map((row) => [row.action, row.kind, row.eventId]).sort(),
      [
        ['chat_restrict_new_contacts', 'restrict_account', 'i-2#ind0'],
        ['chat_warn_younger_user', 'warn_user', 'i-2#ind0'],
      ],
      'the hide-follower-list action is not declared, so it plans nothing',
    );
    await close();
  });

  test('unknown ages, a family link or a verified school link never make grooming', async () => {
    const unknown = await rig();
    await unknown.engine.ingest(
      [
        message('u-1', adult, child, 0, { text: 'what grade are you in' }),
        message('u-2', adult, child, 5, { text: 'keep this between us' }),
      ],
      { wait: true },
    );
    assert.equal((await unknown.storage.engine.cases.list({})).length, 0, 'unknown ages stay unknown');
    await unknown.close();
    const family = await rig();
    await family.engine.ingest(
      [
        ...ages,
        message('f-1', adult, child, 0, { text: 'what grade are you in', relationship: 'guardian' }),
        message('f-2', adult, child, 5, { text: 'keep this between us' }),
      ],
      { wait: true },
    );
    assert.equal((await family.storage.engine.cases.list({})).length, 0, 'a family link suppresses');
    await family.close();
    const school = await rig();
    await school.engine.ingest(
      [
        { ...ages[0], data: { age_years: 34, verified_organisation: 'school' } },
        ages[1],
        message('s-1', adult, child, 0, { text: 'what grade are you in', relationship: 'school' }),
        message('s-2', adult, child, 5, { text: 'keep this between us' }),
      ],
      { wait: true },
    );
    assert.equal((await school.storage.engine.cases.list({})).length, 0, 'a verified school link suppresses');
    await school.close();
  });

  test('two minors go to their own typology, queue and annotation label, not to grooming', async () => {
    const other = 'fake-child-2';
    const { storage, engine, close } = await rig();
    await engine.ingest(
      [
        account(child, -1000, { age_band: '13_15' }),
        account(other, -1000, { age_assurance: 'minor' }),
        message('mm-1', other, child, 0, { text: 'what grade are you in' }),
        message('mm-2', other, child, 5, { text: 'keep this between us' }),
      ],
      { wait: true },
    );
    const dyad = child < other ? `${child}~${other}` : `${other}~${child}`;
    const cases = await storage.engine.cases.list({});
    assert.deepEqual(
      cases.map((item) => [item.subject, item.typology]),
      [[`dyad:${dyad}`, 'chat_minor_to_minor']],
    );
    assert.ok(engine.labelsOf(`dyad:${dyad}`).includes('minor_to_minor_interaction'));
    const routing = compileRouting(
      parseQueuePolicy(
        [
          'queues:',
          '  - { name: minor-interactions, title: Minor interactions, child_safety: true, roles: [child_safety_reviewer] }',
          '  - { name: general, title: General, roles: [admin] }',
          'rules:',
          '  - { queue: minor-interactions, when: { typology: [chat_minor_to_minor] } }',
          'default: general',
        ].join('\n'),
      ),
    );
    assert.equal(routeCase(routing, cases[0] as (typeof cases)[number]), 'minor-interactions');
    await close();
  });

  test('the metadata-only pattern needs no text: an adult fanning out to minors late at night from a new account', async () => {
    const { storage, engine, close } = await rig(testAnalyser, { analyse_text: false });
    const minors = Array.from({ length: 20 }, (_, index) => `fake-minor-${index}`);
    const events: Record<string, unknown>[] = [account(adult, -60 * 24 * 5, { age_assurance: 'adult' })];
    for (const minor of minors) events.push(account(minor, -60 * 24 * 300, { age_band: '13_15' }));
    minors.forEach((minor, index) => {
      events.push({
        id: `gift-${index}`,
        type: 'gift.sent',
        time: message('x', adult, minor, index).time,
        entities: { user: adult, recipient: minor },
        data: { amount: 1 },
      });
      events.push(message(`meta-${index}`, adult, minor, index + 1, { local_hour: 1, text: 'keep this between us' }));
    });
    await engine.ingest(events, { wait: true });
    const logged = await loggedEvents(storage);
    assert.equal(
      logged.filter((event) => event.type === 'chat.indicator').length,
      0,
      'analyse_text: false reads no text',
    );
    const cases = await storage.engine.cases.list({});
    assert.deepEqual(
      cases.map((item) => [item.subject, item.typology]),
      [[`user:${adult}`, 'chat_metadata_risk']],
    );
    await close();
  });
});
