import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { examplePolicy } from '../../../test/support/engine-harness.js';
import { builtinPacks } from '../../app/index.js';
import { isEngineError } from '../../core/index.js';
import { loadEngineConfig } from '../../engine/index.js';
import { defineFeatures } from '../../features/index.js';
import { defaultCorridorCountries, defaultCorridors } from '../../packs/index.js';
import { builtinRules, configureBuiltinRules, isValidRuleId } from '../../rules/index.js';
import { TypologyScores } from '../../typologies/index.js';
import { createLivestreamPack, livestreamPack, livestreamPackName, sessionFeatureNames } from './index.js';

describe('livestream pack', () => {
  test('names: pack, features and rules carry the session prefix; the ones released do not disappear', () => {
    assert.equal(livestreamPack.name, livestreamPackName);
    assert.match(livestreamPack.name, /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
    assert.deepEqual(
      livestreamPack.features.map((feature) => feature.name),
      Object.values(sessionFeatureNames),
    );
    for (const feature of livestreamPack.features) assert.match(feature.name, /^session_[a-z0-9_]+$/);
    const ids = livestreamPack.rules.map((rule) => rule.id);
    assert.deepEqual(ids, [
      'session_private_corridor_foreign_gift',
      'session_joined_after_payment',
      'session_repeated_short_one_to_one',
    ]);
    for (const id of ids) assert.equal(isValidRuleId(id), true, id);
    assert.deepEqual(
      livestreamPack.typologies.map((typology) => typology.name),
      ['livestream_paying_viewer', 'livestream_host_at_risk'],
    );
    assert.deepEqual(livestreamPack.labels, []);
  });

  test('its features, rules and typologies do not collide with the example policy or the other built-in packs', async () => {
    const policy = await loadEngineConfig(examplePolicy, { packs: [] });
    const others = await Promise.all(
      builtinPacks.filter((factory) => factory.name !== livestreamPackName).map((factory) => factory.create()),
    );
    const packs = [...others, livestreamPack];
    const features = [...policy.features, ...packs.flatMap((pack) => pack.features)];
    assert.equal(defineFeatures(features).length, features.length);
    const typologies = [...policy.typologies, ...packs.flatMap((pack) => pack.typologies)].map(
      (typology) => typology.name,
    );
    assert.equal(new Set(typologies).size, typologies.length);
    const rules = [...builtinRules, ...packs.flatMap((pack) => pack.rules)];
    assert.equal(configureBuiltinRules(rules).length, rules.length);
  });

  test('every rule runs in shadow mode unless the operator turns it on, with its default config', () => {
    const instances = configureBuiltinRules(livestreamPack.rules);
    assert.deepEqual(
      instances.map((instance) => instance.mode),
      ['shadow', 'shadow', 'shadow'],
    );
    const active = configureBuiltinRules(livestreamPack.rules, {
      session_joined_after_payment: { mode: 'active', config: { withinMinutes: 20 } },
    });
    const configured = active.find((instance) => instance.rule.id === 'session_joined_after_payment');
    assert.equal(configured?.mode, 'active');
    assert.deepEqual(configured?.rule.config, {
      withinMinutes: 20,
      privateOnly: true,
      maxRecentRecipients: 1,
      points: 35,
    });
  });

  test('with default points, no rule alerts alone however often it fires; any two alert; all three open a case', () => {
    const points = livestreamPack.rules.map((rule) => (rule.configure().config as { points: number }).points);
    assert.deepEqual(points, [40, 35, 30]);
    const ids = livestreamPack.rules.map((rule) => rule.id);
    for (const typology of livestreamPack.typologies) {
      assert.equal(typology.scoring, 'distinct_rules', typology.name);
      const scoreOf = (fired: readonly number[], repeats: number): number => {
        const scores = new TypologyScores([typology]);
        let score = 0;
        let event = 0;
        for (const index of fired) {
          for (let repeat = 0; repeat < repeats; repeat++) {
            event += 1;
            const change = scores.add(typology.name, 'user:test-subject', {
              ruleId: ids[index] ?? '',
              eventId: `event-${event}`,
              points: points[index] ?? 0,
              reason: 'test',
              timeMs: event * 60_000,
            });
            score = change?.score ?? score;
          }
        }
        return score;
      };
      for (const single of [0, 1, 2]) {
        assert.ok(scoreOf([single], 10) < typology.alertThreshold, `${ids[single]} alone alerts ${typology.name}`);
      }
      for (const pair of [
        [0, 1],
        [0, 2],
        [1, 2],
      ]) {
        const score = scoreOf(pair, 1);
        assert.ok(score >= typology.alertThreshold, `${pair.join('+')} should alert ${typology.name}`);
        assert.ok(score < (typology.caseThreshold ?? Number.POSITIVE_INFINITY), `${pair.join('+')} opens a case`);
      }
      assert.ok(scoreOf([0, 1, 2], 1) >= (typology.caseThreshold ?? Number.POSITIVE_INFINITY));
    }
  });

  test('the default corridor list is the shared one: data, each country with its sources', () => {
    assert.deepEqual(
      [...defaultCorridorCountries],
      ['PH', 'TH', 'CO', 'DO', 'MX', 'GH', 'UA', 'RO', 'JM', 'RU', 'IN', 'ZA', 'CU', 'KH', 'VN', 'ID'],
    );
    assert.deepEqual(createLivestreamPack().name, livestreamPackName);
    for (const corridor of defaultCorridors) assert.ok(corridor.sources.length > 0, corridor.country);
  });

  test('bad pack options are refused naming the field', () => {
    for (const options of [
      { corridors: [] },
      { corridors: ['ph'] },
      { corridors: ['PH', 'PH'] },
      { shortSessionMinutes: 0 },
      { other: 1 },
    ]) {
      assert.throws(
        () => createLivestreamPack(options),
        (error: unknown) =>
          isEngineError(error) &&
          error.code === 'CONFIG_INVALID' &&
          error.message.startsWith('livestream pack options are invalid: '),
        JSON.stringify(options),
      );
    }
  });
});
