/**
 * The review console in a real browser on the server `prevail demo` runs (its seeded people and
 * cases, pictures in the evidence vault): the "done when" path of the console, timed; what the
 * browser is sent before and after a reveal; the keyboard; accessibility scans of every page a
 * reviewer, an auditor and an administrator see; the screenshots in docs/console (with
 * PREVAIL_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page, Request, Response } from 'playwright-core';
import { startDemo } from '../../src/cli/index.js';
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
import { demoOptions } from '../support/demo-options.js';
import { laplacianEnergy } from '../support/wellness-rig.js';

/** One answer the page got, in order; image bodies are read (they are small). */
interface Seen {
  readonly url: string;
  readonly method: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: Promise<Buffer | null>;
}

/**
 * Records every answer the page gets. The bytes of media answers (`/console/api/media/…`) are
 * taken on the way in (the page's requests go through `route.fetch`), because a browser keeps no
 * body of a `no-store` answer for the test to read afterwards.
 */
async function record(page: Page, seen: Seen[]): Promise<void> {
  const bodies = new WeakMap<Request, Buffer>();
  await page.route(/\/console\/api\/media\//, async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    bodies.set(route.request(), body);
    await route.fulfill({ response, body });
  });
  page.on('response', (response: Response) => {
    const contentType = response.headers()['content-type'] ?? '';
    seen.push({
      url: response.url(),
      method: response.request().method(),
      status: response.status(),
      contentType,
      body: Promise.resolve(bodies.get(response.request()) ?? null),
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

describe('the review console in a real browser on the demo server: the reviewer path, reveals, shortcuts, accessibility', {
  skip,
}, () => {
  let directory: string;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const password = (login: string) => demo.seed.people.find((person) => person.login === login)?.password ?? '';
  const violations: string[] = [];
  const caseOf = (scenario: string) => demo.seed.cases.find((item) => item.scenario === scenario)?.caseId ?? 0;
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
    directory = await mkdtemp(join(tmpdir(), 'prevail-console-browser-'));
    demo = await startDemo(demoOptions(directory));
    url = demo.server.url.replace('localhost', '127.0.0.1');
    browser = await launchChromium();
    context = await browser.newContext({ viewport });
    context.setDefaultTimeout(browserTimeoutMs);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await demo?.server.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  test('open /console/ → sign in → claim the top case → why it was raised → reveal one item → decide → the audit log shows it', async (t) => {
    const seen: Seen[] = [];
    await record(page, seen);
    const started = performance.now();

    await page.goto(`${url}/console/`);
    await page.getByTestId('login-form').waitFor();
    await scan('login');
    await photograph('login');
    await signIn(page, url, 'reviewer', password('reviewer'));
    await page.getByTestId('queues-table').waitFor();
    await scan('queues');
    await photograph('queues');

    await page.getByTestId('claim-next-child-safety').click();
    await page.getByTestId('case-view').waitFor();
    const caseId = Number(/\/cases\/(\d+)/.exec(page.url())?.[1]);
    assert.ok(caseId > 0, page.url());
    await page.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
    assert.equal(caseId, caseOf('imminent_harm'), 'imminent harm comes first');
    // Why it was raised: the bank match on the timeline and the rule that fired.
    await page.getByTestId('timeline').getByText('matched DEMO_IMAGES').first().waitFor();
    await page.getByTestId('rules-fired').getByText('banked_media_match').waitFor();

    // The media: only the blurred rendition so far.
    await imageLoaded(page, 'media-rendition');
    await scan('case view');
    await page.getByTestId('media-panel').scrollIntoViewIfNeeded();
    await photograph('case-view');
    await page.getByTestId('reveal').click();
    const warning = page.getByTestId('reveal-warning');
    await warning.waitFor();
    // It names the predicted harm, or says there is none (the demo bank's pictures carry no category).
    assert.match(
      (await page.getByTestId('predicted-harm').textContent()) ?? '',
      /^(Predicted harm: .+|No harm prediction is available for this item)\.$/,
    );
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
    await signIn(page, url, 'auditor', password('auditor'));
    await page.getByTestId('audit-table').waitFor();
    const decision = page
      .getByTestId('audit-row')
      .filter({ hasText: 'case.update' })
      .filter({ hasText: reason })
      .filter({ hasText: 'person:reviewer' });
    await decision.first().waitFor();
    const seconds = (performance.now() - started - instrumentMs) / 1000;
    const toReveal = (revealedAt - started) / 1000;
    const message = `done-when path, open /console/ to the decision in the audit log: ${seconds.toFixed(1)} s of browser time (accessibility scans and screenshots, ${(instrumentMs / 1000).toFixed(1)} s, left out; the reveal was shown ${toReveal.toFixed(1)} s after opening, scans included)`;
    t.diagnostic(message);
    await page
      .getByTestId('audit-row')
      .filter({ hasText: 'media.reveal' })
      .filter({ hasText: 'person:reviewer' })
      .waitFor();
    await scan('audit log');
    await photograph('audit');

    // What the browser got before the reveal: images only from rendition URLs, none of them the
    // clear picture, all of them blurred (far less edge energy than the clear one).
    const images = seen.slice(0, beforeReveal).filter((item) => item.contentType.startsWith('image/'));
    assert.ok(images.length > 0, 'the blurred rendition was served');
    const revealed = seen.slice(beforeReveal).filter((item) => /\/console\/api\/media\/reveal\//.test(item.url));
    assert.equal(revealed.length, 1, 'the clear picture was served once, after the confirmation');
    const clear = await revealed[0]?.body;
    assert.ok(clear !== null && clear !== undefined && clear.length > 0);
    const clearEnergy = await laplacianEnergy(clear);
    let checked = 0;
    for (const image of images) {
      // A rendition fetched from the API, or the page's own object URL of one (blob:, same origin).
      assert.match(
        image.url,
        /(\/console\/api\/media\/[^/]+\/rendition(\?frame=\d+)?$)|^blob:http:\/\/127\.0\.0\.1:\d+\//,
        image.url,
      );
      // The page's object URL holds the bytes of a rendition fetched (and checked) here.
      if (image.url.startsWith('blob:')) continue;
      const body = await image.body;
      assert.ok(body !== null && body.length > 0, `the body of ${image.url} was read`);
      assert.ok(!body.equals(clear), 'a rendition is not the revealed picture');
      assert.ok((await laplacianEnergy(body)) < clearEnergy * 0.3, `${image.url} is blurred`);
      checked += 1;
    }
    assert.ok(checked > 0, 'a rendition came from the API');
    assert.ok(
      seen.every((item) => /^(blob:|data:)/.test(item.url) || item.url.startsWith(url)),
      'the browser asked nothing of any other host',
    );
    const reveals = seen.filter((item) => item.method === 'POST' && /\/media\/[^/]+\/reveal$/.test(item.url));
    assert.equal(reveals.length, 1);
    assert.ok(seen.indexOf(reveals[0] as Seen) >= beforeReveal, 'the reveal was asked for after the warning');
    assert.deepEqual(violations, [], 'no serious or critical accessibility violations');
  });

  test('keyboard: `n` takes the next case, `?` lists the shortcuts, `1` sets A1, `d` focuses the reason, Enter decides', async () => {
    await signOut(page);
    await signIn(page, url, 'reviewer', password('reviewer'));
    await page.goto(`${url}/console/cases/${caseOf('imminent_harm')}`);
    await page.getByTestId('case-status').filter({ hasText: 'Decided' }).waitFor();
    await page.keyboard.press('n');
    await page.waitForURL((address) => address.pathname !== `/console/cases/${caseOf('imminent_harm')}`);
    await page.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
    const caseId = Number(/\/cases\/(\d+)/.exec(page.url())?.[1]);
    assert.ok([caseOf('hash_match'), caseOf('stream_match')].includes(caseId), 'the next child-safety case');

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

    const entries = [];
    for (let page = await demo.server.services.audit.entries(0, 1000); page.length > 0; ) {
      entries.push(...page);
      page = await demo.server.services.audit.entries(page[page.length - 1]?.seq ?? 0, 1000);
    }
    const dismissed = entries.find(
      (entry) => entry.action === 'case.update' && entry.subject === `case:${caseId}` && entry.reason === reason,
    );
    assert.ok(dismissed, 'the dismissal is audited with its reason');
    assert.equal(dismissed.actor, 'person:reviewer');
    assert.match(JSON.stringify(dismissed.detail), /A1/, 'with the classification');
    assert.deepEqual(violations, []);
  });

  test('the other pages: wellness, dashboards, people (accessibility; screenshots)', async () => {
    await page.getByTestId('nav-wellness').click();
    await page.getByTestId('preferences-form').waitFor();
    await page.getByTestId('own-exposure').waitFor();
    await scan('wellness');
    await photograph('wellness');
    await page.getByTestId('nav-dashboards').click();
    await page.getByTestId('chart-volumes').waitFor();
    await scan('dashboards');
    await photograph('dashboards');
    await signOut(page);
    await signIn(page, url, 'admin', password('admin'));
    await page.getByTestId('nav-people').click();
    await page.getByTestId('people-table').waitFor();
    await scan('people');
    await page.goto(`${url}/console/no-such-page`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await scan('not found');
    assert.deepEqual(violations, []);
  });
});
