import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chatTestPolicy, chatTextMarker, ingestChat } from '../../../test/support/chat-case.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { createApiKey } from '../../auth/index.js';

/**
 * A chat case read over `/v1`: the timeline keeps the message events and the indicator events,
 * but no message text (`data.text_withheld: true` in its place); text is the console's audited
 * reveal alone.
 */
describe('GET /v1/cases/:id of a chat case: the indicator timeline, no message text', () => {
  let directory: string;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let reader: string;
  let caseId: number;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-v1-chat-case-'));
    server = await startTestServer({ policyDir: await chatTestPolicy(join(directory, 'policy')) });
    const engine = server.services.engine;
    assert.ok(engine !== undefined);
    await ingestChat(engine.engine, 'v1-chat', 'user-sender-9', 'user-recipient-9');
    const [found] = await server.services.storage.engine.cases.list({ subject: 'user:user-sender-9' });
    assert.ok(found !== undefined, 'the chat opened a case');
    caseId = found.id;
    reader = (await createApiKey(server.services.storage.apiKeys, 'integration', ['read'])).secret;
  });
  after(async () => {
    await server?.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  test('the case read holds the messages and their indicators, and none of the text', async () => {
    const stored = await server.services.storage.engine.cases.timeline(caseId);
    assert.ok(
      JSON.stringify(stored).includes(chatTextMarker),
      'the stored timeline holds the text (the answer must take it out)',
    );
    const response = await server.app.inject({
      method: 'GET',
      url: `/v1/cases/${caseId}?reason=integration%20check`,
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.ok(!response.body.includes(chatTextMarker), 'no message text in the /v1 case answer');
    const timeline: { kind: string; detail: { type?: string; data?: Record<string, unknown> } }[] =
      response.json().timeline;
    const events = timeline.filter((entry) => entry.kind === 'event').map((entry) => entry.detail);
    const message = events.find((event) => event.type === 'message.sent');
    assert.ok(message !== undefined, 'the message event is on the timeline');
    assert.equal(message.data?.text_withheld, true);
    assert.equal('text' in (message.data ?? {}), false);
    const families = events.filter((event) => event.type === 'chat.indicator').map((event) => event.data?.family);
    assert.ok(families.length > 0, 'the indicators are on the timeline');
    assert.ok(families.every((family) => typeof family === 'string'));
  });
});
