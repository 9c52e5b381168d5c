import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { openStorage } from '../../storage/index.js';
import { runCli } from '../main.js';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'prevail-people-cli-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

async function run(argv: string[], stdin?: string) {
  const io = { ...captureIo(), ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}) };
  const status = await runCli([...argv, '--data-dir', dataDir], io, { USER: 'operator' });
  return { status, output: io.output(), errors: io.errors() };
}

test('people add, list, roles, opt-in, opt-out, disable, password: audited with the operator as actor', async () => {
  const added = await run(
    ['people', 'add', 'ana', '--name', 'Ana', '--roles', 'payments_analyst', '--password-stdin'],
    'a long enough password\n',
  );
  assert.equal(added.status, 0, added.errors);
  assert.equal(JSON.parse(added.output).login, 'ana');
  assert.ok(!added.output.includes('a long enough password'));

  const generated = await run(['people', 'add', 'cs', '--roles', 'child_safety_reviewer']);
  assert.equal(generated.status, 0, generated.errors);
  const printed = JSON.parse(generated.output).password as string;
  assert.match(printed, /^[A-Za-z0-9_-]{24}$/);
  assert.match(generated.errors, /shown once/);

  const short = await run(['people', 'add', 'bob', '--password-stdin'], 'short\n');
  assert.equal(short.status, 1);
  assert.match(short.errors, /PERSON_INVALID/);
  const badRole = await run(['people', 'add', 'bob', '--roles', 'root']);
  assert.match(badRole.errors, /PERSON_INVALID/);

  assert.equal((await run(['people', 'roles', 'ana', '--roles', 'payments_analyst,auditor'])).status, 0);
  const noReason = await run(['people', 'opt-in', 'cs']);
  assert.notEqual(noReason.status, 0);
  const optIn = await run(['people', 'opt-in', 'cs', '--reason', 'trained and consenting']);
  assert.equal(optIn.status, 0, optIn.errors);
  assert.notEqual(JSON.parse(optIn.output).childSafetyOptInAt, null);
  const optOut = await run(['people', 'opt-out', 'cs', '--reason', 'rotation']);
  assert.equal(JSON.parse(optOut.output).childSafetyOptInAt, null);
  assert.equal((await run(['people', 'password', 'ana'], 'another long password\n')).status, 0);
  assert.equal((await run(['people', 'disable', 'cs', '--reason', 'left'])).status, 0);
  const missing = await run(['people', 'disable', 'nobody']);
  assert.match(missing.errors, /PERSON_NOT_FOUND/);

  const list = await run(['people', 'list']);
  const people = list.output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    people.map((person) => [person.login, person.roles, person.disabled]),
    [
      ['ana', ['auditor', 'payments_analyst'], false],
      ['cs', ['child_safety_reviewer'], true],
    ],
  );
  assert.ok(!list.output.includes('scrypt'));

  const storage = await openStorage({ dataDir });
  try {
    const entries = await storage.engine.audit.page(0, 100);
    assert.deepEqual(
      entries.map((entry) => [entry.actor, entry.action, entry.subject]),
      [
        ['person:operator', 'person.create', 'person:ana'],
        ['person:operator', 'person.create', 'person:cs'],
        ['person:operator', 'person.roles', 'person:ana'],
        ['person:operator', 'person.opt_in', 'person:cs'],
        ['person:operator', 'person.opt_out', 'person:cs'],
        ['person:operator', 'person.password', 'person:ana'],
        ['person:operator', 'person.disable', 'person:cs'],
      ],
    );
    const people = await storage.people.findByLogin('ana');
    assert.match(people?.passwordHash ?? '', /^scrypt\$/);
  } finally {
    await storage.close();
  }
});
