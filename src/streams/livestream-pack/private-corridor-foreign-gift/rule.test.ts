import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../../../core/index.js';
import { createLivestreamPack } from '../livestream-pack.js';
import { at, contextAfter, type ScenarioEvent } from '../test-scenario.js';
import { privateCorridorForeignGift } from './rule.js';

const host = 'host-test-1';
const viewer = 'viewer-test-1';
const stream = 'stream-test-1';

/** A session from `hostCountry`, viewers joining from the given countries, then one gift from `viewer`. */
function session(
  options: {
    visibility?: string;
    hostCountry?: string;
    viewerCountries?: string[];
    declaredViewers?: number;
    gifts?: number;
    giftStream?: boolean;
  } = {},
): ScenarioEvent[] {
  const started = {
    kind: 'stream',
    visibility: options.visibility ?? 'private',
    country: options.hostCountry ?? 'PH',
    ...(options.declaredViewers === undefined ? {} : { viewer_count: options.declaredViewers }),
  };
  const events = [at(0, 'session.started', { user: host, stream }, started)];
  (options.viewerCountries ?? ['GB']).forEach((country, index) => {
    const user = index === 0 ? viewer : `viewer-test-${index + 1}`;
    events.push(at(1 + index, 'stream.viewer_joined', { user, host, stream }, { country }));
  });
  for (let gift = 0; gift < (options.gifts ?? 1); gift++) {
    const entities =
      options.giftStream === false ? { user: viewer, recipient: host } : { user: viewer, recipient: host, stream };
    events.push(at(10 + gift, 'gift.sent', entities, { amount: 5, currency: 'USD' }));
  }
  return events;
}

const rule = privateCorridorForeignGift.configure();

describe('session_private_corridor_foreign_gift', () => {
  test('fires on a gift in a private session from a corridor country with a foreign viewer, scoring viewer and host', () => {
    const result = rule.evaluate(contextAfter(session()));
    assert.equal(result.fired, true);
    assert.match(
      result.reason ?? '',
      /^gift 1 in a private session with 1 viewer \(at most 2\), hosted from a high-risk/,
    );
    assert.match(result.reason ?? '', /source: livestream note §4 .*FINTRAC-20\/25 via OCSE note F01/);
    assert.deepEqual(result.effects, [
      { kind: 'typology', typology: 'livestream_paying_viewer', points: 40 },
      { kind: 'typology', typology: 'livestream_host_at_risk', points: 40, subject: 'recipient' },
    ]);
  });

  test('followers-only sessions count as private; public ones do not', () => {
    assert.equal(rule.evaluate(contextAfter(session({ visibility: 'followers' }))).fired, true);
    assert.equal(rule.evaluate(contextAfter(session({ visibility: 'public' }))).fired, false);
  });

  test('the host country must be a corridor country', () => {
    assert.equal(rule.evaluate(contextAfter(session({ hostCountry: 'CO' }))).fired, true);
    assert.equal(rule.evaluate(contextAfter(session({ hostCountry: 'FR' }))).fired, false);
  });

  test('a viewer must come from another country than the host', () => {
    assert.equal(rule.evaluate(contextAfter(session({ viewerCountries: ['PH'] }))).fired, false);
    assert.equal(rule.evaluate(contextAfter(session({ viewerCountries: ['PH', 'CA'] }))).fired, true);
  });

  test('two viewers still make a private session; three do not, joined or declared', () => {
    assert.equal(rule.evaluate(contextAfter(session({ viewerCountries: ['GB', 'GB'] }))).fired, true);
    assert.equal(rule.evaluate(contextAfter(session({ viewerCountries: ['GB', 'GB', 'GB'] }))).fired, false);
    assert.equal(rule.evaluate(contextAfter(session({ declaredViewers: 2 }))).fired, true);
    assert.equal(rule.evaluate(contextAfter(session({ declaredViewers: 3 }))).fired, false);
  });

  test('a gift that names no stream says nothing about a session', () => {
    assert.equal(rule.evaluate(contextAfter(session({ giftStream: false }))).fired, false);
  });

  test('minGifts: fires from that gift on', () => {
    const twoGifts = privateCorridorForeignGift.configure({ minGifts: 2 });
    assert.equal(twoGifts.evaluate(contextAfter(session({ gifts: 1 }))).fired, false);
    const second = twoGifts.evaluate(contextAfter(session({ gifts: 2 })));
    assert.equal(second.fired, true);
    assert.match(second.reason ?? '', /^gift 2 /);
  });

  test('maxViewers and points are configuration', () => {
    const wider = privateCorridorForeignGift.configure({ maxViewers: 3, points: 10 });
    const result = wider.evaluate(contextAfter(session({ viewerCountries: ['GB', 'GB', 'GB'] })));
    assert.equal(result.fired, true);
    assert.equal(result.effects?.[0]?.kind === 'typology' ? result.effects[0].points : undefined, 10);
  });

  test('the corridor list is a pack option', () => {
    const pack = createLivestreamPack({ corridors: ['FR'] });
    assert.equal(rule.evaluate(contextAfter(session({ hostCountry: 'FR' }), pack)).fired, true);
    assert.equal(rule.evaluate(contextAfter(session({ hostCountry: 'PH' }), pack)).fired, false);
  });

  test('does not fire without its features (the pack not loaded)', () => {
    const context = contextAfter(session());
    assert.equal(rule.evaluate({ event: context.event }).fired, false);
  });

  test('a bad config is refused naming the rule and field', () => {
    for (const config of [{ maxViewers: 0 }, { minGifts: 1.5 }, { points: -1 }, { corridors: ['PH'] }]) {
      assert.throws(
        () => privateCorridorForeignGift.configure(config),
        (error: unknown) =>
          isEngineError(error) &&
          error.code === 'CONFIG_INVALID' &&
          error.message.startsWith("built-in rule 'session_private_corridor_foreign_gift' config is invalid: "),
      );
    }
  });
});
