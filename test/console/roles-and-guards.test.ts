import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import {
  browserTimeoutMs,
  consoleSkipReason,
  screenshot,
  seriousViolations,
  signIn,
  viewport,
} from '../support/console-browser.js';
import {
  addPerson,
  type ConsoleServer,
  hashMatchCase,
  paymentsCase,
  startConsoleServer,
} from '../support/console-server.js';
import { startLocalServer } from '../support/http-server.js';
import { shapesImage } from '../support/wellness-rig.js';

const skip = consoleSkipReason();

/** What a `fetch` run in the page answered. */
interface PageAnswer {
  readonly status: number;
  readonly body: { error?: { code?: string } };
}

describe('the review console in a real browser: roles, the exposure stop, CSRF', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let childSafetyCase: number;
  let paymentCase: number;
  const violations: string[] = [];
  const contexts: BrowserContext[] = [];

  /** A fresh browser context (its own cookies), one page in it. */
  const freshPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(browserTimeoutMs);
    contexts.push(context);
    return context.newPage();
  };
  const scan = async (page: Page, label: string) => {
    for (const line of await seriousViolations(page)) violations.push(`${label}: ${line}`);
  };

  before(async () => {
    server = await startConsoleServer();
    const services = server.services;
    await addPerson(services, 'rita', ['child_safety_reviewer'], { optIn: true });
    await addPerson(services, 'paul', ['payments_analyst']);
    await addPerson(services, 'wendy', ['wellness_lead']);
    await addPerson(services, 'ada', ['admin']);
    childSafetyCase = await hashMatchCase(server, 'u-matched', await shapesImage(), { category: 'B1' });
    paymentCase = await paymentsCase(server, 'u-payer');
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('a payments analyst cannot open a child-safety queue or case, and works the payments queue', async () => {
    const page = await freshPage();
    const forbidden: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 403) forbidden.push(new URL(response.url()).pathname);
    });
    await signIn(page, server.url, 'paul');
    await page.getByTestId('not-available-child-safety').waitFor();
    assert.equal(await page.getByTestId('claim-next-child-safety').count(), 0, 'no claim button');

    await page.goto(`${server.url}/console/queues/child-safety`);
    await page.getByTestId('error').filter({ hasText: 'AUTH_FORBIDDEN' }).waitFor();
    await page.goto(`${server.url}/console/cases/${childSafetyCase}`);
    await page.getByTestId('error').filter({ hasText: 'AUTH_FORBIDDEN' }).waitFor();
    assert.deepEqual(forbidden, ['/console/api/queues/child-safety/cases', `/console/api/cases/${childSafetyCase}`]);
    assert.equal(await page.getByTestId('media-rendition').count(), 0);

    await page.goto(`${server.url}/console/queues/payments`);
    await page.getByTestId(`queue-case-${paymentCase}`).waitFor();
    await scan(page, 'queue page');
    await page.getByTestId('claim-next').click();
    await page.getByTestId('case-view').waitFor();
    assert.equal(page.url(), `${server.url}/console/cases/${paymentCase}`);
    await page.getByTestId('typology-scores').getByText('Livestream payment pattern').waitFor();
    await page.getByTestId('build-report').waitFor();
    assert.equal(await page.getByTestId('classification-A1').count(), 0, 'no media classification on payments');
    await scan(page, 'payments case view');
    assert.deepEqual(violations, []);
  });

  test('the exposure hard stop: an administrator sets the limits low, the next reveal ends in the break screen', async () => {
    const admin = await freshPage();
    await signIn(admin, server.url, 'ada');
    await admin.getByTestId('nav-wellness').click();
    await admin.getByTestId('limits-form').waitFor();
    await scan(admin, 'wellness (administrator: defaults and limits)');
    await admin.getByTestId('limit-itemsPerDay-warn').fill('1');
    await admin.getByTestId('limit-itemsPerDay-stop').fill('1');
    await admin.getByTestId('limits-save').click();
    await admin.getByTestId('limits-form').getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const page = await freshPage();
    await signIn(page, server.url, 'rita');
    await page.goto(`${server.url}/console/cases/${childSafetyCase}`);
    await page.getByTestId('reveal').click();
    await page.getByTestId('reveal-confirm').click();
    await page.getByTestId('media-revealed').waitFor();
    // The reveal that reached the limit is seen for its seconds; then the break screen.
    await page.getByTestId('blur-again').click();
    await page.getByTestId('break-screen').waitFor();
    assert.equal(await page.getByTestId('reveal').count(), 0, 'nothing left to reveal');
    await page.getByTestId('exposure-warning').filter({ hasText: 'limit is reached' }).waitFor();
    await scan(page, 'break screen');
    await page.getByTestId('break-screen').scrollIntoViewIfNeeded();
    await screenshot(page, 'break-screen');

    assert.equal(await page.getByTestId('media-panel').count(), 0, 'the media panel is replaced');
    const refused = await page.evaluate(async (caseId): Promise<PageAnswer> => {
      const session = (await (await fetch('/console/api/session')).json()) as { csrfToken: string };
      const view = (await (await fetch(`/console/api/cases/${caseId}`)).json()) as { media: { id: string }[] };
      const response = await fetch(`/console/api/media/${view.media[0]?.id}/reveal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: '{}',
      });
      return { status: response.status, body: (await response.json()) as PageAnswer['body'] };
    }, childSafetyCase);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error?.code, 'EXPOSURE_LIMIT');
    assert.deepEqual(violations, []);
  });

  test('the wellness lead sees the exposure overview and nothing of cases or media', async () => {
    const page = await freshPage();
    const paths: string[] = [];
    page.on('request', (request) => paths.push(new URL(request.url()).pathname));
    await signIn(page, server.url, 'wendy');
    assert.equal(new URL(page.url()).pathname, '/console/wellness/aggregate');
    await page.getByTestId('aggregate-table').waitFor();
    // Rita's one reveal today, counted without her name.
    const today = new Date().toISOString().slice(0, 10);
    const row = page.getByTestId('aggregate-table').getByRole('row').filter({ hasText: today });
    assert.deepEqual((await row.getByRole('cell').allTextContents()).slice(0, 3), ['1', '10 s', '1']);
    assert.equal(await page.getByText('rita').count(), 0, 'no one is named');
    await scan(page, 'exposure overview');
    await screenshot(page, 'wellness-aggregate');
    for (const link of ['nav-queues', 'nav-dashboards', 'nav-wellness', 'nav-audit', 'nav-people']) {
      assert.equal(await page.getByTestId(link).count(), 0, `no ${link}`);
    }
    await page.getByTestId('nav-wellness-aggregate').waitFor();

    // A case's address typed in: the page says no, and asks the server nothing about it.
    await page.goto(`${server.url}/console/cases/${childSafetyCase}`);
    await page.getByTestId('forbidden').waitFor();
    await scan(page, 'forbidden page');
    const asked = paths.filter(
      (path) => /\/console\/api\/(media|cases|queues)\b/.test(path) || path.includes('/media/'),
    );
    assert.deepEqual(asked, [], 'no /media/, /cases/ or /queues request was made');
    assert.deepEqual(violations, []);
  });

  test('CSRF: a write without the header is refused, and a cross-site form cannot post', async () => {
    const page = await freshPage();
    await signIn(page, server.url, 'rita');
    const noHeader = await page.evaluate(async (caseId): Promise<PageAnswer> => {
      const response = await fetch(`/console/api/cases/${caseId}/claim`, { method: 'POST' });
      return { status: response.status, body: (await response.json()) as PageAnswer['body'] };
    }, childSafetyCase);
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.body.error?.code, 'CSRF_REJECTED');

    // Another site (localhost is not 127.0.0.1) with a form that posts to the console on load.
    const target = `${server.url}/console/api/cases/${childSafetyCase}/claim`;
    const evil = await startLocalServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(
        `<!doctype html><title>elsewhere</title><form method="post" action="${target}"><input name="x" value="1"></form><script>document.forms[0].submit()</script>`,
      );
    });
    try {
      const answer = page.waitForResponse((response) => response.url() === target);
      await page.goto(evil.url.replace('127.0.0.1', 'localhost'));
      const response = await answer;
      assert.equal(response.status(), 403);
      assert.equal((await response.json()).error.code, 'ORIGIN_FORBIDDEN');
    } finally {
      await evil.close();
    }
    const item = await server.services.queues.item(childSafetyCase);
    assert.equal(item?.claimedBy ?? null, null, 'neither attempt claimed the case');
  });
});
