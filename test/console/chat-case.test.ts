/**
 * A chat case in a real browser: the case page shows the indicator timeline first (family, time,
 * direction, confidence, language, message id) and no message text anywhere — not on the page,
 * not in any answer the browser got — until the reviewer asks for one message with a reason; the
 * reveal shows that message's text and makes a `message.reveal` audit entry naming the reviewer,
 * the case and the message. A reviewer without the opt-in is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page, Response } from 'playwright-core';
import { chatTextMarker, ingestChat } from '../support/chat-case.js';
import {
  type ConsoleBrowser,
  consoleSkipReason,
  openConsoleBrowser,
  seriousViolations,
  signIn,
  signOut,
} from '../support/console-browser.js';
import { addPerson, type ConsoleServer, startConsoleServer } from '../support/console-server.js';

const skip = consoleSkipReason();

/** Every answer body the page got from the console API (JSON is small here). */
function recordAnswers(page: Page, bodies: Promise<string>[]): void {
  page.on('response', (response: Response) => {
    if (!response.url().includes('/console/api/')) return;
    bodies.push(response.text().catch(() => ''));
  });
}

describe('a chat case in the console: indicator timeline first, message text only on an audited reveal', {
  skip,
}, () => {
  let browser: ConsoleBrowser;
  let server: ConsoleServer;
  let caseId: number;
  let messages: { early: string; onTimeline: string };

  before(async () => {
    server = await startConsoleServer({ chatTestRule: true });
    await addPerson(server.services, 'rita', ['child_safety_reviewer', 'auditor'], { optIn: true });
    await addPerson(server.services, 'noor', ['child_safety_reviewer']);
    const engine = server.services.engine;
    assert.ok(engine !== undefined);
    messages = await ingestChat(engine.engine, 'browser-chat', 'user-chat-sender', 'user-chat-recipient');
    const [found] = await server.services.storage.engine.cases.list({ subject: 'user:user-chat-sender' });
    assert.ok(found !== undefined, 'the chat opened a case');
    caseId = found.id;
    browser = await openConsoleBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('no text until "Show message" with a reason; then the text, and the audit log shows the reveal', async () => {
    const page = await browser.context.newPage();
    const bodies: Promise<string>[] = [];
    recordAnswers(page, bodies);
    await signIn(page, server.url, 'rita');
    await page.goto(`${server.url}/console/cases/${caseId}`);
    const timeline = page.getByTestId('chat-timeline');
    await timeline.waitFor();

    // The indicator timeline comes first on the page, before the graph and the general timeline.
    const headings = await page.locator('.case-main h2').allTextContents();
    assert.equal(headings[0], 'Chat indicators');
    assert.deepEqual(await page.getByTestId('chat-family').allTextContents(), ['Exposure threat', 'Deadline']);
    assert.deepEqual(await page.getByTestId('chat-message-id').allTextContents(), [
      messages.early,
      messages.onTimeline,
    ]);
    assert.match((await page.getByTestId('chat-direction').first().textContent()) ?? '', /^Sent by the subject/);

    // No text anywhere yet: not on the page, not in any answer the browser got.
    assert.equal(await page.getByTestId('message-text').count(), 0);
    assert.ok(!(await page.content()).includes(chatTextMarker), 'no message text on the page');
    assert.ok(
      !(await Promise.all(bodies)).some((body) => body.includes(chatTextMarker)),
      'no text sent to the browser',
    );
    assert.deepEqual(await seriousViolations(page), []);

    const second = page.getByTestId('chat-indicator').nth(1);
    await second.getByTestId('message-show').click();
    // The policy asks for a reason: the button waits for one.
    assert.equal(await second.getByTestId('message-reveal-confirm').isDisabled(), true);
    await second.getByTestId('message-reason').fill('read the deadline message to decide');
    await second.getByTestId('message-reveal-confirm').click();
    const shown = second.getByTestId('message-text');
    await shown.waitFor();
    assert.equal(await shown.textContent(), `${chatTextMarker} later placeholder`);
    assert.equal(await page.getByTestId('message-text').count(), 1, 'only the revealed message is shown');
    assert.ok(
      !(await page.content()).includes(`${chatTextMarker} early placeholder`),
      'the other message stays hidden',
    );
    await second.getByTestId('message-hide').click();
    await second.getByTestId('message-show').waitFor();
    assert.ok(!(await page.content()).includes(chatTextMarker), 'hidden again');

    await page.goto(`${server.url}/console/audit`);
    const row = page
      .getByTestId('audit-row')
      .filter({ hasText: 'message.reveal' })
      .filter({ hasText: 'person:rita' })
      .filter({ hasText: `case:${caseId}` });
    await row.first().waitFor();
    assert.match((await row.first().textContent()) ?? '', /read the deadline message to decide/);
    const [entry] = (await server.services.audit.newest(50)).filter((item) => item.action === 'message.reveal');
    assert.equal((entry?.detail as { message?: string } | undefined)?.message, messages.onTimeline);
    await signOut(page);
    await page.close();
  });

  test('a child-safety reviewer without the opt-in is refused and sees no text', async () => {
    const page = await browser.context.newPage();
    await signIn(page, server.url, 'noor');
    await page.goto(`${server.url}/console/cases/${caseId}`);
    // The chat case sits in the general queue, which the role opens: the reveal itself refuses.
    await page.getByTestId('chat-timeline').waitFor();
    const first = page.getByTestId('chat-indicator').first();
    await first.getByTestId('message-show').click();
    await first.getByTestId('message-reason').fill('trying without the opt-in');
    await first.getByTestId('message-reveal-confirm').click();
    await first.getByTestId('message-reveal-error').waitFor();
    assert.match((await first.getByTestId('message-reveal-error').textContent()) ?? '', /opt-in/);
    assert.ok(!(await page.content()).includes(chatTextMarker));
    await page.close();
  });
});
