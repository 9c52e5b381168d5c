import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  compileRouting,
  defaultQueuePolicy,
  loadQueuePolicy,
  maxQueuesFileBytes,
  parseQueuePolicy,
  queuePredicate,
  routeCase,
} from './index.js';

const valid = `queues:
  - name: child-safety
    title: Child safety
    child_safety: true
    roles: [child_safety_reviewer]
  - { name: urgent, title: Urgent, roles: [admin, payments_analyst] }
  - { name: general, title: General, roles: [admin] }
rules:
  - queue: urgent
    when: { priority: [urgent], imminent: true }
  - queue: child-safety
    when: { source: [hash_match, stream] }
  - queue: urgent
    when: { typology: [ocse_livestream_payer] }
default: general
`;

/** The CONFIG_INVALID message of parsing `text`. */
function problem(text: string): string {
  try {
    parseQueuePolicy(text);
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'CONFIG_INVALID');
    return (error as Error).message;
  }
  assert.fail('expected CONFIG_INVALID');
}

const trait = (overrides: Partial<Parameters<typeof routeCase>[1]> = {}) => ({
  source: 'other' as const,
  typology: null,
  priority: 'low' as const,
  imminent: false,
  ...overrides,
});

describe('queues.yaml', () => {
  test('a valid file: queues, ordered rules, first match wins, then the default', () => {
    const policy = parseQueuePolicy(valid);
    assert.deepEqual(policy.queues[0], {
      name: 'child-safety',
      title: 'Child safety',
      childSafety: true,
      roles: ['child_safety_reviewer'],
    });
    assert.equal(policy.queues[1]?.childSafety, false, 'child_safety defaults to false');
    const routing = compileRouting(policy);
    assert.equal(routeCase(routing, trait({ source: 'hash_match', priority: 'urgent', imminent: true })), 'urgent');
    assert.equal(routeCase(routing, trait({ source: 'hash_match', priority: 'urgent' })), 'child-safety');
    assert.equal(routeCase(routing, trait({ source: 'stream', typology: 'ocse_livestream_payer' })), 'child-safety');
    assert.equal(routeCase(routing, trait({ source: 'payments', typology: 'ocse_livestream_payer' })), 'urgent');
    assert.equal(routeCase(routing, trait({ source: 'payments' })), 'general');
    assert.deepEqual(queuePredicate(routing, 'child-safety'), {
      anyOf: [{ when: { source: ['hash_match', 'stream'] }, unless: [{ priority: ['urgent'], imminent: true }] }],
    });
    assert.deepEqual(
      queuePredicate(routing, 'urgent').anyOf.map((part) => part.unless.length),
      [0, 1],
      'a later rule of the same queue is excluded only by earlier rules of other queues',
    );
    assert.deepEqual(queuePredicate(routing, 'nowhere'), { anyOf: [] });
  });

  test('the built-in default: matches to child safety, payments to payments, the rest to general', () => {
    const routing = compileRouting(defaultQueuePolicy);
    assert.equal(routeCase(routing, trait({ source: 'hash_match' })), 'child-safety');
    assert.equal(routeCase(routing, trait({ source: 'stream' })), 'child-safety');
    assert.equal(routeCase(routing, trait({ source: 'payments' })), 'payments');
    assert.equal(routeCase(routing, trait({ source: 'chat', imminent: true })), 'general');
    assert.deepEqual(
      defaultQueuePolicy.queues.map((queue) => [queue.name, queue.childSafety, queue.roles]),
      [
        ['child-safety', true, ['child_safety_reviewer']],
        ['payments', false, ['payments_analyst']],
        ['general', false, ['admin', 'child_safety_reviewer', 'payments_analyst']],
      ],
    );
  });

  test('unknown fields are refused with their line, column and path', () => {
    const message = problem(valid.replace('    child_safety: true', '    child_safety: true\n    colour: red'));
    assert.match(message, /^queues\.yaml:5:5: queues\.0: Unrecognized key: "colour"/m);
    assert.match(problem(`${valid}extra: 1\n`), /queues\.yaml:16:1: \(file\): Unrecognized key: "extra"/);
    assert.match(
      problem(valid.replace('when: { source: [hash_match, stream] }', 'when: { source: [hash_match], colour: red }')),
      /queues\.yaml:12:35: rules\.1\.when: Unrecognized key: "colour"/,
    );
  });

  test('wrong types and unknown values are refused, each pointing at its field', () => {
    assert.match(
      problem(valid.replace('child_safety: true', 'child_safety: "yes"')),
      /:4:19: queues\.0\.child_safety: /,
    );
    assert.match(problem(valid.replace('[child_safety_reviewer]', '[superuser]')), /:5:13: queues\.0\.roles\.0: /);
    assert.match(
      problem(valid.replace('[hash_match, stream]', '[hash_match, fax]')),
      /:12:34: rules\.1\.when\.source\.1: /,
    );
    assert.match(
      problem(valid.replace('[urgent], imminent: true', '[critical], imminent: 1')),
      /rules\.0\.when\.priority\.0: [\s\S]*rules\.0\.when\.imminent: /,
    );
    assert.match(
      problem(valid.replace('[ocse_livestream_payer]', '"ocse_livestream_payer"')),
      /:14:23: rules\.2\.when\.typology: /,
    );
    assert.match(
      problem(valid.replace('when: { source: [hash_match, stream] }', 'when: { source: [] }')),
      /rules\.1\.when\.source: /,
    );
    assert.match(
      problem(valid.replace('name: child-safety', 'name: Child Safety')),
      /:2:11: queues\.0\.name: queue names are lowercase/,
    );
    assert.match(problem('queues: 7\ndefault: general\n'), /:1:9: queues: /);
    assert.match(problem('[1, 2]'), /\(file\): /);
    assert.match(problem(''), /queues: /, 'an empty file defines no queue');
  });

  test('rules and the default must name defined queues; a queue is defined once', () => {
    assert.match(
      problem(valid.replace('default: general', 'default: elsewhere')),
      /:15:10: default: no queue is named 'elsewhere'/,
    );
    assert.match(
      problem(valid.replace('  - queue: child-safety', '  - queue: child_safety')),
      /:11:12: rules\.1\.queue: no queue is named 'child_safety'/,
    );
    assert.match(
      problem(valid.replace('name: urgent, title: Urgent', 'name: general, title: Urgent')),
      /queues\.2\.name: queue 'general' is defined twice/,
    );
  });

  test('hostile YAML: a huge file, syntax errors, duplicate keys and alias bombs are refused', () => {
    assert.match(problem(`# ${'x'.repeat(maxQueuesFileBytes)}\n${valid}`), /larger than 262144 bytes/);
    assert.match(problem('queues: [\n'), /^queues\.yaml:\d+:\d+: /);
    assert.match(problem(`${valid}default: general\n`), /queues\.yaml:16:1: .*[Mm]ap keys must be unique/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 12; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    assert.match(problem(bomb.join('\n')), /CONFIG_INVALID|[Ee]xcessive alias count|queues\.yaml/);
    const many = `queues:\n${Array.from({ length: 51 }, (_, n) => `  - { name: q${n}, title: Q, roles: [admin] }`).join('\n')}\ndefault: q0\n`;
    assert.match(problem(many), /queues: Too big/);
  });

  test('loadQueuePolicy reads <dir>/queues.yaml, falls back to the default, and names the file in errors', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-queues-'));
    try {
      assert.equal(await loadQueuePolicy(undefined), defaultQueuePolicy);
      assert.equal(await loadQueuePolicy(directory), defaultQueuePolicy);
      await writeFile(join(directory, 'queues.yaml'), valid);
      assert.equal((await loadQueuePolicy(directory)).defaultQueue, 'general');
      await writeFile(join(directory, 'queues.yaml'), valid.replace('default: general', 'default: 5'));
      await assert.rejects(loadQueuePolicy(directory), {
        code: 'CONFIG_INVALID',
        message: new RegExp(
          `${join(directory, 'queues.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:15:10: default: `,
        ),
      });
      await writeFile(join(directory, 'queues.yaml'), 'x'.repeat(maxQueuesFileBytes + 1));
      await assert.rejects(loadQueuePolicy(directory), { code: 'CONFIG_INVALID', message: /larger than/ });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
