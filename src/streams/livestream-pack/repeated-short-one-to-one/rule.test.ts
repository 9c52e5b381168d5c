import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../../../core/index.js';
import { createLivestreamPack } from '../livestream-pack.js';
import { at, contextAfter, type ScenarioEvent } from '../test-scenario.js';
import { createRepeatedShortOneToOne } from './rule.js';

const host = 'host-test-1';
const viewer = 'viewer-test-1';
const day = 24 * 60;

/** One session of `host` on day `index`, joined by `viewer`, ended after `seconds` with `peak` viewers. */
function shortSession(index: number, seconds = 600, peak = 1): ScenarioEvent[] {
  const stream = `stream-test-${index}`;
  const start = index * day;
  return [
    at(start, 'session.started', { user: host, stream }, { kind: 'call', visibility: 'private' }),
    at(start + 1, 'stream.viewer_joined', { user: viewer, host, stream }, { country: 'GB' }),
    at(
      start + seconds / 60,
      'session.ended',
      { user: host, stream },
      { duration_seconds: seconds, peak_viewers: peak },
    ),
  ];
}

/** The viewer joining the host's next session, on day `index`. */
function nextJoin(index: number): ScenarioEvent[] {
  const stream = `stream-test-${index}`;
  return [
    at(index * day, 'session.started', { user: host, stream }, { kind: 'call', visibility: 'private' }),
    at(index * day + 1, 'stream.viewer_joined', { user: viewer, host, stream }, { country: 'GB' }),
  ];
}

const ruleDefinition = createRepeatedShortOneToOne(15);
const rule = ruleDefinition.configure();

describe('session_repeated_short_one_to_one', () => {
  test('fires when a viewer who joins only this host joins after three short one-viewer sessions of it', () => {
    const result = rule.evaluate(
      contextAfter([...shortSession(0), ...shortSession(1), ...shortSession(2), ...nextJoin(3)]),
    );
    assert.equal(result.fired, true);
    assert.equal(
      result.reason,
      "host ended 3 sessions shorter than 15 min with exactly one viewer in 7 days; this viewer joined 4 streams in 7 days, all of them this host's " +
        '(source: livestream note §4 "repeated short sessions with the same foreign counterpart")',
    );
    assert.deepEqual(result.effects, [
      { kind: 'typology', typology: 'livestream_paying_viewer', points: 30 },
      { kind: 'typology', typology: 'livestream_host_at_risk', points: 30 },
    ]);
  });

  test('two short sessions are not enough', () => {
    assert.equal(rule.evaluate(contextAfter([...shortSession(0), ...shortSession(1), ...nextJoin(2)])).fired, false);
  });

  test('a session of exactly 15 minutes is not short; one second less is', () => {
    const base = [...shortSession(0), ...shortSession(1)];
    assert.equal(rule.evaluate(contextAfter([...base, ...shortSession(2, 900), ...nextJoin(3)])).fired, false);
    assert.equal(rule.evaluate(contextAfter([...base, ...shortSession(2, 899), ...nextJoin(3)])).fired, true);
  });

  test('a session with two viewers at its peak is not one-to-one', () => {
    const events = [...shortSession(0), ...shortSession(1), ...shortSession(2, 600, 2), ...nextJoin(3)];
    assert.equal(rule.evaluate(contextAfter(events)).fired, false);
  });

  test('sessions older than 7 days do not count', () => {
    const events = [...shortSession(0), ...shortSession(1), ...shortSession(2), ...nextJoin(9)];
    assert.equal(rule.evaluate(contextAfter(events)).fired, false);
  });

  test('a viewer who also joined another host is left out unless maxHostsPerViewer allows it', () => {
    const other = at(
      2 * day + 30,
      'stream.viewer_joined',
      { user: viewer, host: 'host-test-2', stream: 'stream-test-other' },
      {},
    );
    const context = contextAfter([...shortSession(0), ...shortSession(1), ...shortSession(2), other, ...nextJoin(3)]);
    assert.equal(rule.evaluate(context).fired, false);
    const wider = ruleDefinition.configure({ maxHostsPerViewer: 2 }).evaluate(context);
    assert.equal(wider.fired, true);
    assert.match(wider.reason ?? '', /joined 5 streams in 7 days, of 2 hosts/);
  });

  test('minShortSessions is configuration', () => {
    const context = contextAfter([...shortSession(0), ...shortSession(1), ...nextJoin(2)]);
    assert.equal(ruleDefinition.configure({ minShortSessions: 2 }).evaluate(context).fired, true);
  });

  test('the short-session limit is a pack option, and the reason states it', () => {
    const pack = createLivestreamPack({ shortSessionMinutes: 10 });
    const events = [...shortSession(0), ...shortSession(1), ...shortSession(2), ...nextJoin(3)];
    const tenMinuteRule = pack.rules.find((candidate) => candidate.id === ruleDefinition.id);
    assert.ok(tenMinuteRule);
    assert.equal(
      tenMinuteRule.configure().evaluate(contextAfter(events, pack)).fired,
      false,
      '600 s is not under 10 min',
    );
    const shorter = [...shortSession(0, 540), ...shortSession(1, 540), ...shortSession(2, 540), ...nextJoin(3)];
    const result = tenMinuteRule.configure().evaluate(contextAfter(shorter, pack));
    assert.equal(result.fired, true);
    assert.match(result.reason ?? '', /shorter than 10 min/);
  });

  test('a session.ended that does not name its host as user is not counted', () => {
    const anonymous = shortSession(2).map((event) =>
      event.type === 'session.ended' ? { ...event, entities: { stream: 'stream-test-2' } } : event,
    );
    assert.equal(
      rule.evaluate(contextAfter([...shortSession(0), ...shortSession(1), ...anonymous, ...nextJoin(3)])).fired,
      false,
    );
  });

  test('a bad config is refused naming the rule and field', () => {
    for (const config of [
      { minShortSessions: 1 },
      { maxHostsPerViewer: 6 },
      { points: 0 },
      { shortSessionMinutes: 10 },
    ]) {
      assert.throws(
        () => ruleDefinition.configure(config),
        (error: unknown) =>
          isEngineError(error) &&
          error.code === 'CONFIG_INVALID' &&
          error.message.startsWith("built-in rule 'session_repeated_short_one_to_one' config is invalid: "),
      );
    }
  });
});
