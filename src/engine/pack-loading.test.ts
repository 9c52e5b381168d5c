import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import type { PackFactory, PackRegistry, RulePack } from '../packs/index.js';
import { loadEngineConfig } from './engine-config.js';

/** A pack with no vertical behind it: one feature named after the pack and its settings. */
function fakePack(name: string): PackFactory {
  return {
    name,
    description: `the ${name} test pack`,
    create(settings?: unknown): RulePack {
      const window = (settings as { window?: string } | undefined)?.window ?? '1d';
      return {
        name,
        version: 1,
        description: `the ${name} test pack`,
        features: [
          { name: `${name}_count`, entity: 'user', eventTypes: ['account.created'], aggregate: 'count', window },
        ],
        rules: [],
        typologies: [],
        labels: [`${name}_label`],
        propagations: [{ label: `${name}_label`, steps: [] }],
      };
    },
  };
}

const registry: PackRegistry = [fakePack('first_pack'), fakePack('second_pack'), fakePack('third_pack')];

describe('rule packs registered by the composition root', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-pack-loading-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function policyWith(packsYaml: string | undefined): Promise<string> {
    const policy = await mkdtemp(join(directory, 'policy-'));
    if (packsYaml !== undefined) await writeFile(join(policy, 'packs.yaml'), packsYaml);
    return policy;
  }

  test('the engine loads every registered pack, in registry order, unless packs.yaml disables it', async () => {
    const config = await loadEngineConfig(
      await policyWith('packs:\n  second_pack: { enabled: false }\n  third_pack: { settings: { window: 7d } }\n'),
      { packRegistry: registry },
    );
    assert.deepEqual(
      config.packs.map((pack) => pack.name),
      ['first_pack', 'third_pack'],
    );
    assert.deepEqual(
      config.features.map((feature) => [feature.name, feature.window]),
      [
        ['first_pack_count', '1d'],
        ['third_pack_count', '7d'],
      ],
    );
    assert.deepEqual(config.labels, ['first_pack_label', 'third_pack_label']);
    assert.deepEqual(
      config.propagations.map((propagation) => propagation.label),
      ['first_pack_label', 'third_pack_label'],
    );
  });

  test('packs.yaml naming a pack the composition root did not register is CONFIG_INVALID naming the known ones', async () => {
    await assert.rejects(
      loadEngineConfig(await policyWith('packs:\n  ocse_payments: {}\n'), { packRegistry: registry }),
      (error) =>
        isEngineError(error) &&
        error.code === 'CONFIG_INVALID' &&
        error.message.includes("unknown rule pack 'ocse_payments'; known: first_pack, second_pack, third_pack"),
    );
  });

  test('the engine knows no pack itself: without a registry a policy loads none', async () => {
    const config = await loadEngineConfig(await policyWith(undefined));
    assert.deepEqual(config.packs, []);
    assert.deepEqual(config.features, []);
  });

  test('bad pack settings are CONFIG_INVALID naming packs.yaml', async () => {
    const strict: PackFactory = {
      ...fakePack('strict_pack'),
      create: () => {
        throw new Error('window must be a duration');
      },
    };
    await assert.rejects(
      loadEngineConfig(await policyWith('packs:\n  strict_pack: { settings: { window: 3 } }\n'), {
        packRegistry: [strict],
      }),
      (error) =>
        isEngineError(error) && error.code === 'CONFIG_INVALID' && /packs\.yaml: window must be/.test(error.message),
    );
  });

  test('a pack reads the files its settings name inside the policy directory only', async () => {
    const read: string[] = [];
    const reader: PackFactory = {
      ...fakePack('reader_pack'),
      create(settings, files) {
        const path = (settings as { file: string }).file;
        if (files === undefined) throw new Error('no policy files');
        read.push(files.read(path));
        return fakePack('reader_pack').create();
      },
    };
    const policy = await policyWith(undefined);
    await writeFile(join(policy, 'model.json'), '{"ok":1}');
    await writeFile(join(directory, 'outside.json'), 'secret');
    await symlink(join(directory, 'outside.json'), join(policy, 'link.json'));
    const load = async (file: string) => {
      await writeFile(
        join(policy, 'packs.yaml'),
        `packs:\n  reader_pack: { settings: { file: ${JSON.stringify(file)} } }\n`,
      );
      return loadEngineConfig(policy, { packRegistry: [reader] });
    };
    await load('model.json');
    assert.deepEqual(read, ['{"ok":1}']);
    for (const [file, message] of [
      ['../outside.json', /leaves the policy directory/],
      [join(directory, 'outside.json'), /relative to the policy directory/],
      ['link.json', /leaves the policy directory/],
      ['missing.json', /cannot read 'missing\.json'/],
      ['a\u0000b', /relative to the policy directory/],
    ] as const) {
      await assert.rejects(
        load(file),
        (error) => isEngineError(error) && error.code === 'CONFIG_INVALID' && message.test(error.message),
        file,
      );
    }
    assert.equal(read.length, 1);
  });
});
