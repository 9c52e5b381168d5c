import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort } from '../../test/support/free-port.js';
import { natsSkipReason, PrivateNatsServer } from '../../test/support/nats-server.js';
import type { ReloadableRules } from '../engine/index.js';
import type { ReloadOutcome } from '../rules/index.js';
import {
  answerRulesReloads,
  askRulesReloads,
  maxAnswerDiagnostics,
  readAnswer,
  rulesReloadSubject,
} from './rules-reload-broadcast.js';

/** A short gathering window: every answerer here answers at once. */
const waitMs = 400;

describe('reading a node’s reload answer', () => {
  test('the three kinds of answer are read back as sent', () => {
    const answers = [
      { node: 'worker a:1:x', reloaded: true, rules: 12 },
      { node: 'worker b:2:y', reloaded: false, diagnostics: [{ file: 'r.yaml', line: 3, column: 5, message: 'bad' }] },
      { node: 'api c:3:z', reloaded: false, error: { code: 'CONFIG_INVALID', message: 'no rules directory' } },
    ];
    for (const answer of answers) assert.deepEqual(readAnswer(JSON.stringify(answer)), answer);
  });

  test('anything else is not an answer', () => {
    const hostile = [
      '',
      'not json',
      'null',
      '[]',
      '"text"',
      '{}',
      JSON.stringify({ reloaded: true, rules: 3 }),
      JSON.stringify({ node: '', reloaded: true, rules: 3 }),
      JSON.stringify({ node: 'n', reloaded: true }),
      JSON.stringify({ node: 'n', reloaded: true, rules: -1 }),
      JSON.stringify({ node: 'n', reloaded: true, rules: 1.5 }),
      JSON.stringify({ node: 'n', reloaded: 'yes', rules: 3 }),
      JSON.stringify({ node: 'n', reloaded: false }),
      JSON.stringify({ node: 'n', reloaded: false, diagnostics: [{ file: 'f' }] }),
      JSON.stringify({ node: 'n', reloaded: false, error: 'broken' }),
      JSON.stringify({ node: 'n'.repeat(501), reloaded: true, rules: 3 }),
      JSON.stringify({ node: 7, reloaded: true, rules: 3 }),
      `{"node":"n","reloaded":true,"rules":${'9'.repeat(400)}}`,
    ];
    for (const text of hostile) assert.equal(readAnswer(text), undefined, text.slice(0, 80));
  });
});

const skip = natsSkipReason();

describe('asking every node to reload its rules over NATS', { skip: skip ?? false, timeout: 60_000 }, () => {
  let nats: PrivateNatsServer;
  let dir: string;
  const open: NatsConnection[] = [];
  const connection = async (): Promise<NatsConnection> => {
    const made = await connect({ servers: nats.url });
    open.push(made);
    return made;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-reload-broadcast-'));
    nats = new PrivateNatsServer(await freePort(), join(dir, 'nats'));
    await nats.start();
  });
  after(async () => {
    for (const made of open) await made.close().catch(() => undefined);
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('every other node answers once, with what its own reload did; the asker does not answer itself', async () => {
    const reloads: string[] = [];
    /** A rules loader whose reload counts itself and gives `outcome`. */
    const loader = (name: string, outcome: ReloadOutcome): ReloadableRules => ({
      reload: async () => {
        reloads.push(name);
        return outcome;
      },
    });
    /** A valid set of `count` rules (only its length is read). */
    const validSet = (count: number): ReloadOutcome =>
      ({ ok: true, ruleSet: { rules: Array.from({ length: count }) } }) as unknown as ReloadOutcome;
    const asker = await connection();
    // The asking node answers others' requests too, on the same connection.
    answerRulesReloads(asker, 'api one', loader('api one', validSet(1)));
    answerRulesReloads(await connection(), 'worker good', loader('worker good', validSet(7)));
    const diagnostics = Array.from({ length: maxAnswerDiagnostics + 10 }, (_, index) => ({
      file: 'rules/zz.yaml',
      line: index + 1,
      column: 1,
      message: `problem ${index}`,
    }));
    answerRulesReloads(await connection(), 'worker bad', loader('worker bad', { ok: false, diagnostics }));
    // No rules directory.
    answerRulesReloads(await connection(), 'worker none', undefined);
    answerRulesReloads(await connection(), 'worker throws', {
      reload: async () => {
        throw new Error('the policy directory is gone');
      },
    });
    // A misbehaving responder: its unreadable answer is left out, its second answer too.
    const rogue = await connection();
    rogue.subscribe(rulesReloadSubject, {
      callback: (_error, message) => {
        message.respond('not an answer');
        message.respond(JSON.stringify({ node: 'worker twice', reloaded: true, rules: 1 }));
        message.respond(JSON.stringify({ node: 'worker twice', reloaded: true, rules: 2 }));
      },
    });
    await asker.flush();
    for (const made of open) await made.flush();

    const answers = await askRulesReloads(asker, 'api one', { waitMs });
    const byNode = new Map(answers.map((answer) => [answer.node, answer]));
    assert.deepEqual([...byNode.keys()].sort(), [
      'worker bad',
      'worker good',
      'worker none',
      'worker throws',
      'worker twice',
    ]);
    assert.equal(answers.length, 5, 'each node once');
    const twice = byNode.get('worker twice');
    assert.ok(twice?.reloaded === true && twice.rules === 1, 'the first answer of a node is kept');
    assert.equal(reloads.includes('api one'), false, 'the asker did not answer its own request');
    assert.deepEqual(reloads.sort(), ['worker bad', 'worker good']);
    const good = byNode.get('worker good');
    assert.ok(good?.reloaded === true && good.rules === 7);
    const bad = byNode.get('worker bad');
    assert.ok(bad !== undefined && 'diagnostics' in bad);
    assert.equal(bad.diagnostics.length, maxAnswerDiagnostics, 'an answer carries a bounded list');
    assert.equal(bad.diagnostics[0]?.message, 'problem 0');
    const none = byNode.get('worker none');
    assert.ok(none !== undefined && 'error' in none && none.error.code === 'CONFIG_INVALID');
    const threw = byNode.get('worker throws');
    assert.ok(threw !== undefined && 'error' in threw && threw.error.code === 'INTERNAL', JSON.stringify(threw));

    // Another node asking: the first asker answers it.
    const other = await askRulesReloads(await connection(), 'api two', { waitMs });
    assert.ok(other.some((answer) => answer.node === 'api one' && answer.reloaded && answer.rules === 1));
    for (const made of open.splice(0)) await made.close();
  });

  test('with no other node listening the ask ends after its wait with no answer', async () => {
    const lonely = await connect({ servers: nats.url });
    open.push(lonely);
    const started = performance.now();
    const answers = await askRulesReloads(lonely, 'api alone', { waitMs: 200 });
    const elapsed = performance.now() - started;
    assert.deepEqual(answers, []);
    assert.ok(elapsed >= 190 && elapsed < 5000, `waited ${elapsed} ms`);
  });

  test('a closed connection gives no answers and does not throw', async () => {
    const closed = await connect({ servers: nats.url });
    await closed.close();
    assert.deepEqual(await askRulesReloads(closed, 'api closed', { waitMs: 100 }), []);
  });
});
