/**
 * Bus mode without a bus: two worker engines (`EngineBus` with no publisher) on one private
 * PostgreSQL schema, handed events as a bus would deliver them (`processDelivered`). A redelivered
 * event already committed is a duplicate with no effect; the same batch handed to both workers at
 * once is processed once; case-opening events on one subject processed by both at once open one
 * case (the subjects' transaction locks), never a refused commit; an ordinary event joins the case
 * another worker opened, and the case of an entity linked to it through a link another worker saw,
 * until a person closes it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createServices, type Services } from '../../src/app/index.js';
import { crashEvents } from '../integ/support/crash-events.js';
import { examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { dropPostgresSchemas, postgresSkipReason, postgresUrl } from '../support/postgres.js';

const skip = await postgresSkipReason();
const schema = `delivered_${process.pid}_${Math.floor(Math.random() * 1e6)}`;

async function worker(dataDir: string): Promise<Services> {
  return createServices(
    { dataDir, databaseUrl: postgresUrl, schema, policyDir: examplePolicy },
    { withEngine: true, loadIndexes: false, engineBus: {} },
  );
}

function engineOf(services: Services) {
  const engine = services.engine?.engine;
  assert.ok(engine);
  return engine;
}

describe('events delivered to workers (PostgreSQL)', { skip: skip === false ? undefined : skip }, () => {
  const opened: Services[] = [];
  let dir = '';
  after(async () => {
    for (const services of opened) await services.close();
    await dropPostgresSchemas([schema]);
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  test('redelivered, raced and case-opening events have their effects once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-delivered-'));
    const first = await worker(dir);
    opened.push(first);
    const second = await worker(dir);
    opened.push(second);
    const storage = first.storage.engine;
    const linkSum = async () => {
      let sum = 0;
      for (const entity of ['payment_account:acct-1', 'payment_account:acct-2'])
        for (const link of await storage.links(entity)) if (link.from === entity) sum += link.count;
      return sum;
    };

    // A batch, then the same batch again (a redelivery after a lost ack): duplicates, no effects.
    const batch = crashEvents(0, 200);
    const once = await engineOf(first).processDelivered(batch);
    assert.equal(once.filter((result) => result.status === 'processed').length, 200);
    const links = await linkSum();
    assert.ok(links > 0);
    const again = await engineOf(first).processDelivered(batch);
    assert.deepEqual(new Set(again.map((result) => result.status)), new Set(['duplicate']));
    assert.equal(await linkSum(), links, 'a redelivery adds no link');
    assert.equal(await storage.events.count(), 200);

    // The same new batch handed to both workers at once: each event processed by exactly one.
    const raced = crashEvents(200, 400);
    const [a, b] = await Promise.all([
      engineOf(first).processDelivered(raced),
      engineOf(second).processDelivered(raced),
    ]);
    for (let i = 0; i < raced.length; i++) {
      const statuses = [a[i]?.status, b[i]?.status].sort();
      assert.deepEqual(statuses, ['duplicate', 'processed'], `event ${i} processed once`);
    }
    assert.equal(await storage.events.count(), 400);

    // Case-opening matches on one new subject, processed by both workers at once, in opposite
    // orders (the first open is the race): one case per subject, both matches on its timeline.
    const time = '2026-11-02T00:00:00.000Z';
    const match = (id: string, user: string) =>
      syntheticEvent(
        'media.matched',
        { user },
        { matches: [{ bank: 'TEST_BANK', contentId: 1, signalType: 'pdq', distance: 0 }] },
        time,
        id,
      );
    const users = Array.from({ length: 40 }, (_, i) => `u-race-${i}`);
    await Promise.all([
      engineOf(first).processDelivered(users.map((user) => match(`m-a-${user}`, user))),
      engineOf(second).processDelivered(users.map((user) => match(`m-b-${user}`, user)).reverse()),
    ]);
    for (const user of users) {
      const cases = await storage.cases.list({ subject: `user:${user}`, limit: 10 });
      assert.equal(cases.length, 1, `one case for ${user}`);
      const timeline = await storage.cases.timeline(cases[0]?.id ?? 0);
      assert.equal(timeline.filter((entry) => entry.kind === 'match').length, 2, 'both matches on its timeline');
    }

    // A case one worker opened is joined by an ordinary event another worker processes next.
    await engineOf(first).processDelivered([match('m-late', 'u-late')]);
    const update = syntheticEvent(
      'account.updated',
      { user: 'u-late', payment_account: 'acct-late' },
      {},
      '2026-11-02T00:01:00.000Z',
      'late-update',
    );
    assert.equal((await engineOf(second).processDelivered([update]))[0]?.status, 'processed');
    const [late] = await storage.cases.list({ subject: 'user:u-late', limit: 10 });
    const lateTimeline = await storage.cases.timeline(late?.id ?? 0);
    assert.ok(
      lateTimeline.some((entry) => JSON.stringify(entry).includes('late-update')),
      'the other worker joined the event to the case',
    );

    // A link the other worker saw, to a case it opened, reaches a worker that already held the
    // linked entity's neighbourhood; once a person closes the case, events stop joining it.
    const payment = (id: string, minute: number) =>
      syntheticEvent(
        'payment.sent',
        { payment_account: 'acct-linked', payee_account: 'acct-payee' },
        { amount: 5, currency: 'USD', payee_country: 'GB' },
        `2026-11-02T00:${String(minute).padStart(2, '0')}:00.000Z`,
        id,
      );
    await engineOf(first).processDelivered([payment('linked-pay-0', 10)]);
    await engineOf(second).processDelivered([match('m-linked', 'u-linked')]);
    await engineOf(second).processDelivered([
      syntheticEvent(
        'account.updated',
        { user: 'u-linked', payment_account: 'acct-linked' },
        {},
        '2026-11-02T00:11:00.000Z',
        'linked-update',
      ),
    ]);
    await engineOf(first).processDelivered([payment('linked-pay-1', 12)]);
    const [linkedCase] = await storage.cases.list({ subject: 'user:u-linked', limit: 10 });
    assert.ok(linkedCase);
    const refsOf = async () => (await storage.cases.timeline(linkedCase.id)).map((entry) => entry.ref);
    assert.ok((await refsOf()).includes('event:linked-pay-1'), "a payment joins the linked owner's case");
    await first.cases.update(linkedCase.id, { status: 'closed' }, { actor: 'person:test', reason: 'done' });
    await engineOf(first).processDelivered([payment('linked-pay-2', 13)]);
    assert.equal((await refsOf()).includes('event:linked-pay-2'), false, 'no event joins a closed case');
    assert.equal(
      (await storage.cases.list({ subject: 'user:u-linked', limit: 10 })).length,
      1,
      'and none opens another',
    );

    // Something that is not an event is refused, not logged.
    const [refused] = await engineOf(first).processDelivered([{ id: 'x', type: 'payment.sent' }]);
    assert.equal(refused?.status, 'rejected');
    assert.equal(await storage.events.count(), 487);
  });
});
