/**
 * "Actions sent to the platform" on the case page, in a real browser: a reviewer's confirm
 * triggers `restrict` (declared `on: [decision:confirm]`), the dispatcher's first attempt fails
 * (nothing listens on the endpoint's port), and the case page shows the action with its endpoint,
 * status, attempt count, last error and next retry, and no payload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ConsoleBrowser,
  consoleSkipReason,
  openConsoleBrowser,
  seriousViolations,
  signIn,
} from '../support/console-browser.js';
import { addPerson, type ConsoleServer, hashMatchCase, startConsoleServer } from '../support/console-server.js';
import { freePort } from '../support/free-port.js';
import { shapesImage } from '../support/wellness-rig.js';

const skip = consoleSkipReason();

describe("a case's actions on the case page", { skip }, () => {
  let browser: ConsoleBrowser;
  let server: ConsoleServer;
  let caseId: number;

  before(async () => {
    // A port nothing listens on: every delivery attempt is refused.
    const closedPort = await freePort();
    server = await startConsoleServer({
      actionsYaml: `endpoints:
  platform: { url: "http://127.0.0.1:${closedPort}/hook", secret_env: PREVAIL_ACTION_SECRET_TEST, timeout_ms: 1000 }
actions:
  - name: restrict
    kind: restrict_account
    mode: active
    endpoints: [platform]
    on: [decision:confirm]
    payload: { user: "{{entities.user}}", note: "payload-marker-not-for-reviewers" }
`,
    });
    await addPerson(server.services, 'rita', ['child_safety_reviewer'], { optIn: true });
    caseId = await hashMatchCase(server, 'u-actions', await shapesImage(320, 240), { category: 'B1' });
    const review = server.services.review;
    assert.ok(review !== undefined);
    await review.decide(caseId, await server.services.people.get('rita'), {
      action: 'confirm',
      reason: 'synthetic test decision',
    });
    const dispatcher = server.services.actions;
    assert.ok(dispatcher !== undefined, 'a webhook endpoint gives a dispatcher');
    assert.deepEqual(await dispatcher.runOnce(), { attempted: 1, delivered: 0, failed: 1 });
    browser = await openConsoleBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the action, its endpoint, status, attempts, last error and next retry; no payload', async () => {
    const page = await browser.context.newPage();
    await signIn(page, server.url, 'rita');
    await page.goto(`${server.url}/console/cases/${caseId}`);
    await page.getByRole('heading', { name: 'Actions sent to the platform' }).waitFor();
    const table = page.getByTestId('case-actions');
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    assert.match(text, /Restrict/);
    assert.match(text, /decision:confirm/);
    assert.match(text, /platform/);
    assert.match(text, /Pending/);
    assert.match(
      (await page.getByTestId('case-action-error').textContent()) ?? '',
      /Last error: network: ECONNREFUSED/,
    );
    assert.match((await page.getByTestId('case-action-next').textContent()) ?? '', /Next retry/);
    assert.ok(!(await page.content()).includes('payload-marker-not-for-reviewers'), 'no payload on the page');
    assert.deepEqual(await seriousViolations(page), []);
  });
});
