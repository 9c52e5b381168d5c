import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import {
  browserTimeoutMs,
  consoleSkipReason,
  screenshot,
  seriousViolations,
  signIn,
  signOut,
  viewport,
} from '../support/console-browser.js';
import { addPerson, type ConsoleServer, hashMatchCase, startConsoleServer } from '../support/console-server.js';
import { shapesImage } from '../support/wellness-rig.js';

/** One answer the page got, in order; image bodies are read (they are small). */
interface Seen {
  readonly url: string;
  readonly method: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: Promise<Buffer | null>;
}

function record(page: Page, seen: Seen[]): void {
  page.on('response', (response: Response) => {
    const contentType = response.headers()['content-type'] ?? '';
    seen.push({
      url: response.url(),
      method: response.request().method(),
      status: response.status(),
      contentType,
      body: contentType.startsWith('image/') ? response.body().catch(() => null) : Promise.resolve(null),
    });
  });
}

/** Waits until the element's image has loaded (decoded, with a size). */
async function imageLoaded(page: Page, testId: string): Promise<void> {
  await page
    .getByTestId(testId)
    .evaluate((image) => (image as unknown as { decode(): Promise<void> }).decode(), undefined, {
      timeout: browserTimeoutMs,
    });
}

const skip = consoleSkipReason();

describe('the review console in a real browser: the reviewer path, reveals, shortcuts, accessibility', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let picture: Buffer;
  const violations: string[] = [];
  /** Time spent scanning and photographing (not part of the reviewer's path). */
  let instrumentMs = 0;
  /** Runs axe on the page as it is now; findings are checked at the end of each test. */
  const scan = async (label: string) => {
    const start = performance.now();
    for (const line of await seriousViolations(page)) violations.push(`${label}: ${line}`);
    instrumentMs += performance.now() - start;
  };
  const photograph = async (name: string) => {
    const start = performance.now();
    await screenshot(page, name);
    instrumentMs += performance.now() - start;
  };

  before(async () => {
    server = await startConsoleServer();
    const services = server.services;
    await addPerson(services, 'rita', ['child_safety_reviewer'], { optIn: true });
    await addPerson(services, 'audrey', ['auditor']);
    picture = await shapesImage(640, 480);
    await hashMatchCase(server, 'u-first', picture, { category: 'B2' });
    await hashMatchCase(server, 'u-second', await shapesImage(480, 360), { category: 'B1' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport });
    context.setDefaultTimeout(browserTimeoutMs);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('open /console/ → sign in → claim the top case → why it was raised → reveal one item → decide → the audit log shows it', async (t) => {
    const seen: Seen[] = [];
    record(page, seen);
    const started = performance.now();

    await page.goto(`${server.url}/console/`);
    await page.getByTestId('login-form').waitFor();
    await scan('login');
    await photograph('login');
    await signIn(page, server.url, 'rita');
    await page.getByTestId('queues-table').waitFor();
    await scan('queues');
    await photograph('queues');

    await page.getByTestId('claim-next-child-safety').click();
    await page.getByTestId('case-view').waitFor();
    const caseId = Number(/\/cases\/(\d+)/.exec(page.url())?.[1]);
    assert.ok(caseId > 0, page.url());
    await page.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
    // Why it was raised: the bank match on the timeline and the rule that fired.
    await page.getByTestId('timeline').getByText('matched CONSOLE_TEST_BANK').waitFor();
    await page.getByTestId('rules-fired').getByText('banked_media_match').waitFor();

    // The media: only the blurred rendition so far.
    await imageLoaded(page, 'media-rendition');
    await scan('case view');
    await page.getByTestId('media-panel').scrollIntoViewIfNeeded();
    await photograph('case-view');
    await page.getByTestId('reveal').click();
    const warning = page.getByTestId('reveal-warning');
    await warning.waitFor();
    assert.match((await page.getByTestId('predicted-harm').textContent()) ?? '', /B2/);
    await scan('reveal warning');
    await photograph('reveal-warning');

    // Before confirming: nothing but blurred renditions, and no reveal asked for.
    const beforeReveal = seen.length;
    assert.equal(
      seen.filter((item) => item.url.includes('/reveal')).length,
      0,
      'no reveal request before the warning is confirmed',
    );
    await page.getByTestId('reveal-confirm').click();
    await imageLoaded(page, 'media-revealed');
    const revealedAt = performance.now();

    await page.getByTestId('decide-confirm').click();
    const reason = 'known material from the bank, confirmed by eye';
    await page.getByTestId('decision-reason').fill(reason);
    await page.getByTestId('decision-submit').click();
    await page.getByTestId('decision-status').filter({ hasText: 'confirm' }).waitFor();

    await signOut(page);
    await signIn(page, server.url, 'audrey');
    await page.getByTestId('audit-table').waitFor();
    const decision = page
      .getByTestId('audit-row')
      .filter({ hasText: 'case.update' })
      .filter({ hasText: reason })
      .filter({ hasText: 'person:rita' });
    await decision.first().waitFor();
    const seconds = (performance.now() - started - instrumentMs) / 1000;
    const toReveal = (revealedAt - started) / 1000;
    const message = `done-when path, open /console/ to the decision in the audit log: ${seconds.toFixed(1)} s of browser time (accessibility scans and screenshots, ${(instrumentMs / 1000).toFixed(1)} s, left out; the reveal was shown ${toReveal.toFixed(1)} s after opening, scans included)`;
    t.diagnostic(message);
    await page
      .getByTestId('audit-row')
      .filter({ hasText: 'media.reveal' })
      .filter({ hasText: 'person:rita' })
      .waitFor();
    await scan('audit log');
    await photograph('audit');

    // What the browser got before the reveal: images only from rendition URLs, none of them the
    // clear picture (the original) or the revealed one; the media host was never asked directly.
    const images = seen.slice(0, beforeReveal).filter((item) => item.contentType.startsWith('image/'));
    assert.ok(images.length > 0, 'the blurred rendition was served');
    const revealed = seen.slice(beforeReveal).filter((item) => /\/console\/api\/media\/reveal\//.test(item.url));
    assert.equal(revealed.length, 1, 'the clear picture was served once, after the confirmation');
    const clear = await revealed[0]?.body;
    assert.ok(clear !== null && clear !== undefined && clear.length > 0);
    for (const image of images) {
      // A rendition fetched from the API, or the page's own object URL of one (blob:, same origin).
      assert.match(
        image.url,
        /(\/console\/api\/media\/[^/]+\/rendition(\?frame=\d+)?$)|^blob:http:\/\/127\.0\.0\.1:\d+\//,
        image.url,
      );
      const body = await image.body;
      assert.ok(body !== null, `the body of ${image.url} was read`);
      assert.ok(!body.equals(picture), 'a rendition is not the original picture');
      assert.ok(!body.equals(clear), 'a rendition is not the revealed picture');
      assert.equal(body.indexOf(picture.subarray(0, 4096)), -1, 'no part of the original picture');
    }
    assert.ok(
      seen.every((item) => !item.url.startsWith(server.mediaUrl)),
      'the browser never fetched the media itself',
    );
    const reveals = seen.filter((item) => item.method === 'POST' && /\/media\/[^/]+\/reveal$/.test(item.url));
    assert.equal(reveals.length, 1);
    assert.ok(seen.indexOf(reveals[0] as Seen) >= beforeReveal, 'the reveal was asked for after the warning');
    assert.deepEqual(violations, [], 'no serious or critical accessibility violations');
  });

  test('keyboard: `?` lists the shortcuts, `1` sets A1, `d` focuses the reason, Enter decides', async () => {
    await signOut(page);
    await signIn(page, server.url, 'rita');
    await page.getByTestId('claim-next-child-safety').click();
    await page.getByTestId('case-view').waitFor();
    const caseId = Number(/\/cases\/(\d+)/.exec(page.url())?.[1]);

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-overlay').waitFor();
    await scan('shortcut overlay');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-overlay').waitFor({ state: 'hidden' });

    await page.keyboard.press('1');
    assert.equal(await page.getByTestId('classification-A1').isChecked(), true, '1 sets A1');
    await page.keyboard.press('d');
    await page.getByTestId('decision-reason').waitFor();
    assert.equal(
      await page.evaluate(() => {
        // Runs in the page (this file has no DOM types).
        const page = globalThis as unknown as {
          document: { activeElement: { getAttribute(name: string): string | null } | null };
        };
        return page.document.activeElement?.getAttribute('data-testid');
      }),
      'decision-reason',
      'd focuses the reason (dismissing needs one)',
    );
    const reason = 'a different picture: dismissed';
    await page.keyboard.type(reason);
    await page.keyboard.press('Enter');
    await page.getByTestId('decision-status').filter({ hasText: 'dismiss' }).waitFor();

    const entries = await server.services.audit.entries(0, 1000);
    const dismissed = entries.find(
      (entry) => entry.action === 'case.update' && entry.subject === `case:${caseId}` && entry.reason === reason,
    );
    assert.ok(dismissed, 'the dismissal is audited with its reason');
    assert.equal(dismissed.actor, 'person:rita');
    assert.match(JSON.stringify(dismissed.detail), /A1/, 'with the classification');
    assert.deepEqual(violations, []);
  });

  test('the other pages: wellness and dashboards (accessibility; screenshots)', async () => {
    await page.getByTestId('nav-wellness').click();
    await page.getByTestId('preferences-form').waitFor();
    await page.getByTestId('own-exposure').waitFor();
    await scan('wellness');
    await photograph('wellness');
    await page.getByTestId('nav-dashboards').click();
    await page.getByTestId('chart-volumes').waitFor();
    await scan('dashboards');
    await photograph('dashboards');
    assert.deepEqual(violations, []);
  });
});
