import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import {
  browserTimeoutMs,
  consoleSkipReason,
  seriousViolations,
  signIn,
  viewport,
} from '../support/console-browser.js';
import { addPerson, type ConsoleServer, hashMatchCase, startConsoleServer } from '../support/console-server.js';
import { videoTestsSkipReason, videoVector } from '../support/video-vectors.js';
import { shapesImage } from '../support/wellness-rig.js';

const skip = consoleSkipReason();
/** Claims run out after this long on this server (15 minutes in production). */
const claimTimeoutMs = 4000;

describe('the review console in a real browser: claims, stepping away, claim timeout; a video filmstrip', {
  skip,
}, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let first: number;
  let second: number;
  let video = 0;
  const contexts: BrowserContext[] = [];

  const freshPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(browserTimeoutMs);
    contexts.push(context);
    return context.newPage();
  };
  const caseOf = (page: Page) => Number(/\/cases\/(\d+)/.exec(page.url())?.[1]);
  const claimedByOnQueuePage = async (page: Page, caseId: number) =>
    (await page.getByTestId(`queue-case-${caseId}`).getByRole('cell').last().textContent())?.trim();

  before(async () => {
    server = await startConsoleServer({ claimTimeoutMs });
    await addPerson(server.services, 'rita', ['child_safety_reviewer'], { optIn: true });
    await addPerson(server.services, 'sam', ['child_safety_reviewer'], { optIn: true });
    first = await hashMatchCase(server, 'u-one', await shapesImage(320, 240), { category: 'B1' });
    second = await hashMatchCase(server, 'u-two', await shapesImage(300, 200), { category: 'B2' });
    if (videoTestsSkipReason() === false) {
      const clip = await readFile(videoVector('doorknob-hd-no-bar.mp4'));
      video = await hashMatchCase(server, 'u-video', clip, { category: 'B2', kind: 'video' });
    }
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test('claim, step away (`s`), claim again; a second reviewer gets the other case; a timed-out claim is free', async () => {
    const rita = await freshPage();
    await signIn(rita, server.url, 'rita');
    await rita.getByTestId('claim-next-child-safety').click();
    await rita.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
    assert.equal(caseOf(rita), first, 'the oldest case first');

    // Step away with the shortcut: the case goes back to its queue, unclaimed, no reason asked.
    await rita.keyboard.press('s');
    await rita.waitForURL(`${server.url}/console/queues/child-safety`);
    await rita.getByTestId(`queue-case-${first}`).waitFor();
    assert.equal(await claimedByOnQueuePage(rita, first), 'nobody');
    const audit = await server.services.audit.entries(0, 1000);
    assert.ok(audit.some((entry) => entry.action === 'queue.step_away' && entry.actor === 'person:rita'));
    const violations = await seriousViolations(rita);
    assert.deepEqual(violations, [], 'the queue page has no serious accessibility violations');

    await rita.getByTestId('claim-next').click();
    await rita.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
    assert.equal(caseOf(rita), first);

    const sam = await freshPage();
    await signIn(sam, server.url, 'sam');
    await sam.goto(`${server.url}/console/queues/child-safety`);
    await sam.getByTestId(`queue-case-${first}`).getByText('rita').waitFor();
    await sam.getByTestId('claim-next').click();
    await sam.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
    assert.equal(caseOf(sam), second, 'a claimed case is not handed to someone else');
    // Claiming Rita's case outright is refused while her claim lives.
    await sam.goto(`${server.url}/console/cases/${first}`);
    await sam.getByTestId('claim-status').filter({ hasText: 'Claimed by rita' }).waitFor();
    await sam.getByTestId('claim').click();
    await sam.getByTestId('claim-error').filter({ hasText: 'CASE_CLAIMED' }).waitFor();

    // Rita's claim runs out (nobody renewed it): the case is free again.
    const expiresAt = (await server.services.queues.item(first)).claimExpiresAt;
    assert.ok(expiresAt !== null);
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 200);
    await sam.reload();
    await sam.getByTestId('claim-status').filter({ hasText: 'Not claimed' }).waitFor();
    await sam.getByTestId('claim').click();
    await sam.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
    assert.equal((await server.services.queues.item(first)).claimedBy, 'sam');
  });

  test('a video is a filmstrip of blurred key frames (as many as x-frame-count says); it never plays', {
    skip: videoTestsSkipReason(),
  }, async () => {
    const page = await freshPage();
    await signIn(page, server.url, 'rita');
    const served: string[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/rendition')) served.push(`${response.headers()['content-type']} ${response.url()}`);
    });
    // The first rendition of a video runs ffmpeg for its key frames (at most 20 s by the wellness
    // module's bound): on a loaded 2-core machine that alone has taken over 15 s.
    const poster = page.waitForResponse((response) => /\/media\/[^/]+\/rendition$/.test(response.url()), {
      timeout: 60_000,
    });
    await page.goto(`${server.url}/console/cases/${video}`);
    const frames = Number((await poster).headers()['x-frame-count']);
    assert.ok(frames > 1, `a clip has several key frames (${frames})`);
    const strip = page.getByTestId('filmstrip');
    await strip.waitFor();
    assert.equal(await strip.getByRole('button').count(), frames);
    // The filmstrip may fetch a frame before it is clicked (its thumbnails): every rendition
    // response is in `served` whenever it came, so wait on that rather than on a response that
    // may already have passed.
    await strip.getByRole('button', { name: 'Frame 3' }).click();
    const deadline = Date.now() + 60_000;
    while (!served.some((line) => line.endsWith('/rendition?frame=2')) && Date.now() < deadline)
      await new Promise((done) => setTimeout(done, 100));
    const third = served.find((line) => line.endsWith('/rendition?frame=2'));
    assert.ok(third !== undefined, `frame 3 was served (${served.join(', ')})`);
    assert.ok(third.startsWith('image/jpeg '), third);
    await page
      .getByTestId('media-rendition')
      .and(page.getByAltText(/frame 3 of/))
      .waitFor();
    assert.equal(await page.locator('video').count(), 0, 'no video element');
    assert.deepEqual(await seriousViolations(page), []);
  });
});
