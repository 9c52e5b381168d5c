import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { EventTypeRegistry } from '../../events/index.js';
import { benignSlices, chatLanguages } from './chat-labels.js';
import { simulateChats } from './simulate-chats.js';

describe('simulateChats', () => {
  const simulation = simulateChats({ seed: 9, conversations: 400 });

  test('is deterministic per seed, and another seed gives another scenario', () => {
    const again = simulateChats({ seed: 9, conversations: 400 });
    assert.equal(JSON.stringify(again), JSON.stringify(simulation));
    const other = simulateChats({ seed: 10, conversations: 400 });
    assert.notEqual(JSON.stringify(other.events), JSON.stringify(simulation.events));
    // Conversation i draws from its own stream: a longer run starts with the same conversations.
    const shorter = simulateChats({ seed: 9, conversations: 50 });
    assert.deepEqual(
      shorter.labels.map((label) => label.moves),
      simulation.labels.slice(0, 50).map((label) => label.moves),
    );
  });

  test('labels agree with the events: messages, users, first risky move, families, text', () => {
    const messages = new Map<string, { user: string; recipient: string; text: unknown; time: number }[]>();
    let previous = '';
    for (const event of simulation.events) {
      assert.ok(event.time >= previous, 'events are sorted by time');
      previous = event.time;
      if (event.type !== 'message.sent') continue;
      const list = messages.get(event.entities.conversation ?? '') ?? [];
      list.push({
        user: event.entities.user ?? '',
        recipient: event.entities.recipient ?? '',
        text: event.data.text,
        time: Date.parse(event.time),
      });
      messages.set(event.entities.conversation ?? '', list);
    }
    const slices = new Set<string>();
    for (const label of simulation.labels) {
      slices.add(label.slice);
      const own = messages.get(label.conversation) ?? [];
      assert.equal(own.length, label.messages, label.conversation);
      assert.equal(label.moves.length, label.messages);
      assert.equal(label.families.length, label.messages);
      for (const item of own) assert.deepEqual([item.user, item.recipient].sort(), [...label.users].sort());
      assert.equal(
        own.every((item) => item.text === undefined),
        label.textless,
        `${label.conversation}: textless means no text at all`,
      );
      if (label.class === 'benign') {
        assert.equal(label.firstRiskyTurn, null);
        assert.ok(label.families.every((family) => family === null));
      } else {
        const turn = label.firstRiskyTurn ?? -1;
        assert.ok(turn > 0, `${label.conversation}: a risky move after the opener`);
        assert.notEqual(label.families[turn], null);
        assert.ok(label.families.slice(0, turn).every((family) => family === null));
        const sender = own[turn]?.user;
        assert.equal(sender, label.users[0], 'the initiator makes the risky move');
      }
      if (label.slice === 'sextortion' || label.slice === 'grooming_fast') {
        assert.ok(label.durationMinutes < 60, `${label.conversation} lasts ${label.durationMinutes} min`);
      }
      if (label.slice === 'sextortion') {
        assert.ok(label.families.includes('exposure_threat') && label.families.includes('payment_instruction'));
      }
    }
    for (const slice of ['grooming_fast', 'grooming_slow', 'sextortion', ...benignSlices]) {
      assert.ok(slices.has(slice), `slice ${slice} present`);
    }
    assert.ok(simulation.labels.some((label) => label.slice === 'grooming_slow' && label.durationMinutes > 24 * 60));
    assert.ok(simulation.labels.some((label) => label.evasive));
    const languages = new Set(simulation.labels.map((label) => label.language));
    assert.deepEqual([...languages].sort(), [...chatLanguages].sort());
    const accounts = simulation.events.filter((event) => event.type === 'account.created');
    assert.ok(accounts.some((event) => event.data.age_assurance === 'minor'));
    assert.ok(accounts.some((event) => event.data.age_source === 'declared' && event.data.age_years === 16));
    assert.ok(accounts.some((event) => typeof event.data.verified_organisation === 'string'));
    const sent = simulation.events.filter((event) => event.type === 'message.sent');
    assert.ok(sent.every((event) => Number.isInteger(event.data.local_hour)));
    assert.ok(sent.some((event) => event.data.has_attachment === true));
    assert.ok(simulation.events.some((event) => event.type === 'payment.sent'));
    assert.ok(simulation.events.some((event) => event.type === 'gift.sent'));
  });

  test('reports, blocks and contact bursts come in risky and benign populations alike, and are valid engine events', () => {
    const registry = new EventTypeRegistry();
    for (const event of simulation.events) {
      const checked = registry.check(event);
      assert.ok(checked.ok, `${event.id}: ${checked.ok ? '' : JSON.stringify(checked.problems)}`);
    }
    const sliceOf = new Map<string, string>();
    for (const label of simulation.labels) for (const user of label.users) sliceOf.set(user, label.slice);
    const createdAt = new Map<string, string>();
    for (const event of simulation.events) {
      if (event.type === 'account.created') createdAt.set(event.entities.user ?? '', event.time);
    }
    const reports = simulation.events.filter((event) => event.type === 'report.filed');
    const reportedSlices = new Set<string>();
    for (const report of reports) {
      const { user, reporter } = report.entities;
      assert.ok(user !== undefined && reporter !== undefined && user !== reporter, report.id);
      // Both accounts exist before the report.
      assert.ok((createdAt.get(user) ?? '~') < report.time, `${report.id}: reported account exists`);
      assert.ok((createdAt.get(reporter) ?? '~') < report.time, `${report.id}: reporter exists`);
      reportedSlices.add(sliceOf.get(user) ?? '');
    }
    assert.ok(
      reports.some((report) => report.data.category === 'block'),
      'blocks are sent as reports',
    );
    for (const slice of ['grooming_fast', 'grooming_slow', 'sextortion', 'teen_peers', 'customer_support']) {
      assert.ok(reportedSlices.has(slice), `someone in ${slice} is reported or blocked`);
    }
    // Bursts: one opening message each, from a labelled conversation's initiator to an account in none.
    const initiators = new Map(simulation.labels.map((label) => [label.conversation, label]));
    const bursts = new Map<string, number>();
    for (const event of simulation.events) {
      const match = /^(cv\d+-\d+)-c\d+$/.exec(event.entities.conversation ?? '');
      if (event.type !== 'message.sent' || match === null) continue;
      const label = initiators.get(match[1] ?? '');
      assert.ok(label !== undefined, `${event.id} belongs to a labelled conversation's burst`);
      assert.equal(event.entities.user, label.users[0], 'the initiator sends the burst');
      assert.ok(!sliceOf.has(event.entities.recipient ?? ''), 'burst recipients are in no labelled conversation');
      assert.equal(event.data.text === undefined, label.textless, 'a textless service sends bursts without text');
      bursts.set(label.slice, (bursts.get(label.slice) ?? 0) + 1);
    }
    for (const slice of ['grooming_fast', 'grooming_slow', 'coach_teacher', 'customer_support']) {
      assert.ok((bursts.get(slice) ?? 0) >= 10, `${slice} sends bursts`);
    }
    assert.equal(bursts.get('family'), undefined, 'families send none');
  });

  test('languages are checked and honoured; counts are bounded', () => {
    const french = simulateChats({ seed: 1, conversations: 20, languages: ['fr'] });
    assert.ok(french.labels.every((label) => label.language === 'fr'));
    assert.throws(
      () => simulateChats({ seed: 1, conversations: 5, languages: ['en', 'xx'] }),
      (error) => error instanceof EngineError && error.code === 'REQUEST_INVALID' && /xx/.test(error.message),
    );
    assert.throws(() => simulateChats({ seed: 1, conversations: 0 }), RangeError);
    assert.throws(() => simulateChats({ seed: 1, conversations: 1e9 }), RangeError);
    assert.throws(() => simulateChats({ seed: -1, conversations: 5 }), RangeError);
  });
});
