import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chatTestPolicy, chatTextMarker, ingestChat } from '../../../test/support/chat-case.js';
import { type ConsoleSession, signInAs } from '../../../test/support/console-session.js';
import { createServices, type Services } from '../../app/index.js';
import { httpDependencies } from '../../main.js';
import { buildHttpServer } from '../index.js';

/**
 * A chat case in the console API: the case view shows the indicator timeline and never the text;
 * `POST /console/api/cases/:id/messages/:messageId/reveal` gives one message's text only to a
 * child-safety reviewer with a recorded opt-in, with a reason (the default reveal policy), audited
 * as `message.reveal` before the answer, never cached; a message the case does not name is 404.
 */
describe('chat cases in the console API: indicator timeline first, message text only on an audited reveal', () => {
  let directory: string;
  let services: Services;
  let app: FastifyInstance;
  let caseId: number;
  let messages: { early: string; onTimeline: string };
  const sessions = new Map<string, ConsoleSession>();

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-chat-reveal-'));
    const policyDir = await chatTestPolicy(join(directory, 'policy'));
    const fetchPolicy = { maxBytes: 1_000_000, timeoutMs: 1000, allowedHosts: [], allowPrivateAddresses: false };
    services = await createServices(
      { dataDir: join(directory, 'data'), policyDir },
      { withEngine: true, loadIndexes: false, wellness: { fetchPolicy } },
    );
    const engine = services.engine;
    assert.ok(engine !== undefined);
    messages = await ingestChat(engine.engine, 'chat-a', 'user-sender-1', 'user-recipient-1');
    const [found] = await services.storage.engine.cases.list({ subject: 'user:user-sender-1' });
    assert.ok(found !== undefined, 'the chat opened a case');
    caseId = found.id;
    app = await buildHttpServer(
      httpDependencies(services, {
        hmaAccess: 'open',
        maxUploadBytes: 1_000_000,
        fetchPolicy,
        decode: { maxPixels: 1e7 },
      }),
    );
    await app.ready();
    sessions.set(
      'rita',
      await signInAs(app, services.people, 'rita', ['child_safety_reviewer'], { childSafetyOptIn: true }),
    );
    sessions.set('noor', await signInAs(app, services.people, 'noor', ['child_safety_reviewer']));
    sessions.set('paul', await signInAs(app, services.people, 'paul', ['payments_analyst']));
  });
  after(async () => {
    await app?.close();
    await services?.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  const reveal = (login: string, messageId: string, payload?: object) =>
    app.inject({
      method: 'POST',
      url: `/console/api/cases/${caseId}/messages/${encodeURIComponent(messageId)}/reveal`,
      headers: { ...sessions.get(login)?.headers },
      ...(payload === undefined ? {} : { payload }),
    });

  test('the case view: the indicator timeline oldest first, directions from the subject, no text anywhere', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/console/api/cases/${caseId}`,
      headers: { ...sessions.get('rita')?.headers },
    });
    assert.equal(response.statusCode, 200);
    assert.ok(!response.body.includes(chatTextMarker), 'no message text in the case view');
    const chat = response.json().chat;
    assert.deepEqual(
      chat.indicators.map((item: Record<string, unknown>) => [
        item.family,
        item.direction,
        item.messageId,
        item.language,
      ]),
      [
        ['exposure_threat', 'from_subject', messages.early, 'en'],
        ['deadline', 'from_subject', messages.onTimeline, 'en'],
      ],
    );
    assert.equal(chat.messages, 2);
    assert.equal(chat.revealReasonRequired, true);
    assert.deepEqual(chat.reportReadiness, []);
    const withheld = response
      .json()
      .timeline.find((item: { detail?: { id?: string } }) => item.detail?.id === messages.onTimeline);
    assert.equal(
      withheld?.detail?.data?.text_withheld,
      true,
      'the message event is on the timeline, its text withheld',
    );
  });

  test('refused: no opt-in, no child-safety role, no reason, a message the case does not name', async () => {
    const noOptIn = await reveal('noor', messages.onTimeline, { reason: 'decide the case' });
    assert.equal(noOptIn.statusCode, 403);
    assert.match(noOptIn.json().error.message, /opt-in/);
    assert.equal((await reveal('paul', messages.onTimeline, { reason: 'decide the case' })).statusCode, 403);
    const noReason = await reveal('rita', messages.onTimeline, {});
    assert.equal(noReason.json().error.code, 'REASON_REQUIRED');
    const blank = await reveal('rita', messages.onTimeline, { reason: '   ' });
    assert.equal(blank.json().error.code, 'REASON_REQUIRED');
    const unknown = await reveal('rita', 'not-a-message', { reason: 'decide the case' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'MESSAGE_NOT_FOUND');
    const audit = await services.audit.newest(1000);
    assert.equal(audit.filter((entry) => entry.action === 'message.reveal').length, 0, 'no refused reveal is audited');
  });

  test('a reveal: the text, never cached, after an audit entry naming who, the case, the message and when', async () => {
    const before = (await services.audit.newest(1))[0]?.seq ?? 0;
    const response = await reveal('rita', messages.onTimeline, { reason: 'read the threat to decide' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['cache-control']), /no-store/);
    const body = response.json();
    assert.equal(body.messageId, messages.onTimeline);
    assert.equal(body.text, `${chatTextMarker} later placeholder`);
    assert.equal(body.sender, 'user-sender-1');
    assert.equal(body.recipient, 'user-recipient-1');
    const entries = await services.audit.entries(before, 1000);
    const entry = entries.find((item) => item.action === 'message.reveal');
    assert.ok(entry !== undefined);
    assert.equal(entry.actor, 'person:rita');
    assert.equal(entry.subject, `case:${caseId}`);
    assert.equal(entry.reason, 'read the threat to decide');
    const detail = entry.detail as Record<string, unknown>;
    assert.equal(detail.message, messages.onTimeline);
    assert.equal(detail.at, body.revealedAt);
    assert.equal(detail.from, 'timeline');
    assert.ok(!JSON.stringify(entries).includes(chatTextMarker), 'the audit log holds no message text');
  });

  test('a message the case names only through an indicator is read from the event log', async () => {
    const response = await reveal('rita', messages.early, { reason: 'read the first message' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().text, `${chatTextMarker} early placeholder`);
    const [entry] = await services.audit.newest(1);
    assert.ok(entry !== undefined);
    assert.equal(entry.action, 'message.reveal');
    assert.equal((entry.detail as Record<string, unknown>).from, 'event_log');
  });
});
