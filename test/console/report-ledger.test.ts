/**
 * "Where this case was reported" in a real browser: on a server without a CyberTipline submitter
 * the case page shows the panel with the not-configured note and no button; on the demo server
 * with the CyberTipline pointed at the local contract server (127.0.0.1), a reviewer confirms the
 * hash-match case, reads what will be sent, reports it, and sees NCMEC's report id in the ledger;
 * the supplemental option appears once the case was reported, and sending the same decision again
 * gives the same submission; a goAML filing is recorded. A permanent refusal shows NCMEC's answer.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemo, useCliSettings } from '../../src/cli/index.js';
import { defaultSettings } from '../../src/config/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { launchChromium } from '../support/browser.js';
import {
  browserTimeoutMs,
  consoleSkipReason,
  seriousViolations,
  signIn,
  viewport,
} from '../support/console-browser.js';
import { addPerson, type ConsoleServer, hashMatchCase, startConsoleServer } from '../support/console-server.js';
import { type CybertipContractServer, startCybertipContractServer } from '../support/cybertip-contract-server.js';
import { demoOptions } from '../support/demo-options.js';
import { shapesImage } from '../support/wellness-rig.js';

const skip = consoleSkipReason();

describe('where a case was reported, in a real browser', { skip }, () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const freshPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(browserTimeoutMs);
    contexts.push(context);
    return context.newPage();
  };

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  describe('a server without CyberTipline submission', () => {
    let server: ConsoleServer;
    let caseId: number;
    before(async () => {
      server = await startConsoleServer();
      await addPerson(server.services, 'rita', ['child_safety_reviewer'], { optIn: true });
      caseId = await hashMatchCase(server, 'u-ledger', await shapesImage(320, 240), { category: 'B1' });
    });
    after(async () => {
      await server?.close();
    });

    test('the case page shows the panel, an empty ledger and the not-configured note, and no report button', async () => {
      const page = await freshPage();
      await signIn(page, server.url, 'rita');
      await page.goto(`${server.url}/console/cases/${caseId}`);
      const panel = page.getByTestId('report-ledger');
      await panel.waitFor();
      await page.getByRole('heading', { name: 'Where this case was reported' }).waitFor();
      await panel.getByTestId('ledger-empty').waitFor();
      const note = await panel.getByTestId('cybertip-not-configured').textContent();
      assert.match(note ?? '', /CyberTipline submission is not configured on this server/);
      assert.equal(await page.getByTestId('cybertip-start').count(), 0, 'no report button');
      assert.equal(await page.getByTestId('filing-form').count(), 0, 'no filing form without a ledger');
      assert.deepEqual(await seriousViolations(page), []);
    });
  });

  describe('the demo server with the CyberTipline at the local contract server', () => {
    let ncmec: CybertipContractServer;
    let directory: string;
    let demo: Awaited<ReturnType<typeof startDemo>>;
    let url: string;
    const password = (login: string) => demo.seed.people.find((person) => person.login === login)?.password ?? '';
    const caseOf = (scenario: string) => demo.seed.cases.find((item) => item.scenario === scenario)?.caseId ?? 0;

    before(async () => {
      ncmec = await startCybertipContractServer();
      const settings = defaultSettings();
      useCliSettings(
        {
          ...settings,
          cybertip: {
            ...settings.cybertip,
            username: ncmec.username,
            password: ncmec.password,
            baseUrl: ncmec.url,
            timeoutMs: 5000,
          },
        },
        silentLogger(),
      );
      directory = await mkdtemp(join(tmpdir(), 'prevail-report-ledger-'));
      demo = await startDemo(demoOptions(directory));
      url = demo.server.url.replace('localhost', '127.0.0.1');
    });
    after(async () => {
      await demo?.server.close();
      await ncmec?.close();
      if (directory !== undefined) await rm(directory, { recursive: true, force: true });
      useCliSettings(defaultSettings(), silentLogger());
    });

    test('confirm, read what will be sent, report to NCMEC: the report id in the ledger; supplemental offered, the same decision gives the same report; a goAML filing', async () => {
      const caseId = caseOf('hash_match');
      assert.ok(caseId > 0);
      const page = await freshPage();
      await signIn(page, url, 'reviewer', password('reviewer'));
      await page.goto(`${url}/console/cases/${caseId}`);
      const panel = page.getByTestId('report-ledger');
      await panel.getByTestId('ledger-empty').waitFor();
      assert.equal(await page.getByTestId('cybertip-not-configured').count(), 0);

      // Before a confirming decision the server refuses, and says why.
      await page.getByTestId('cybertip-start').click();
      await page.getByTestId('cybertip-send').click();
      await page.getByTestId('cybertip-error').filter({ hasText: 'CASE_TRANSITION_INVALID' }).waitFor();
      await page.getByRole('button', { name: 'Cancel' }).click();

      await page.getByTestId('claim').click();
      await page.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
      await page.getByTestId('classification-B1').check();
      await page.getByTestId('decide-confirm').click();
      await page.getByTestId('decision-reason').fill('Matches a banked item of the synthetic demo bank.');
      await page.getByTestId('decision-submit').click();
      await page.getByTestId('decision-status').filter({ hasText: 'confirm' }).waitFor();

      // The confirmation says plainly what goes: each file, and that unrevealed files count as not viewed.
      await page.getByTestId('cybertip-start').click();
      const confirm = page.getByTestId('cybertip-confirm');
      await confirm.waitFor();
      const listed = await confirm.getByTestId('cybertip-files').getByRole('listitem').count();
      assert.ok(listed > 0, 'each file is listed');
      assert.match((await confirm.textContent()) ?? '', /a file nobody revealed is reported as not viewed/);
      const viewedLines = await confirm.locator('[data-testid^="cybertip-viewed-"]').allTextContents();
      assert.equal(viewedLines.length, listed, 'each file says whether a person viewed it');
      assert.ok(
        viewedLines.every((line) => line.startsWith('Not viewed')),
        `nobody revealed any: ${viewedLines.join(' | ')}`,
      );
      assert.equal(await confirm.getByTestId('cybertip-supplemental').count(), 0, 'not reported yet: no supplemental');
      assert.deepEqual(await seriousViolations(page), []);
      await page.getByTestId('cybertip-send').click();

      const result = page.getByTestId('cybertip-result');
      await result.getByTestId('cybertip-result-report-id').waitFor();
      const reportId = ((await result.getByTestId('cybertip-result-report-id').textContent()) ?? '').trim();
      assert.equal(ncmec.reports().length, 1, 'one report at NCMEC');
      assert.ok(reportId !== '');
      await panel.getByTestId('ledger-ncmec').filter({ hasText: reportId }).waitFor();
      const submission = panel.locator('[data-testid^="submission-"]').first();
      await submission.getByTestId('submission-report-id').filter({ hasText: reportId }).waitFor();
      assert.match((await submission.getByTestId('submission-status').textContent()) ?? '', /Received by NCMEC/);
      assert.equal(
        await submission.getByTestId('submission-files').getByRole('row').count(),
        listed + 1,
        'every file with its step (and the header row)',
      );
      const [received] = ncmec.reports();
      assert.equal(received?.status, 'finished');
      assert.equal(received?.files.length, listed, 'the files the confirmation listed');
      for (const file of received?.files ?? [])
        assert.match(file.fileDetails.join(''), /<fileViewedByEsp>false<\/fileViewedByEsp>/, 'nobody revealed it');

      // The form now offers a supplemental report; sent again without it, the same decision gives
      // the same submission (one report per decision) and nothing more reaches NCMEC.
      await page.getByTestId('cybertip-start').click();
      await page.getByTestId('cybertip-supplemental').waitFor();
      const again = page.waitForResponse((response) => response.url().endsWith(`/cases/${caseId}/cybertip`));
      await page.getByTestId('cybertip-send').click();
      assert.equal((await again).status(), 200);
      await result.getByTestId('cybertip-result-report-id').filter({ hasText: reportId }).waitFor();
      assert.equal(ncmec.reports().length, 1, 'nothing else sent');

      // A goAML STR uploaded to the FIU's portal, recorded with its reference.
      await page.getByTestId('filing-destination').selectOption('goaml');
      await page.getByTestId('filing-reference').fill('FIU-TEST-0001');
      await page.getByTestId('filing-reason').fill('Uploaded to the test FIU portal by hand.');
      await page.getByTestId('filing-submit').click();
      await page.getByTestId('filing-status').waitFor();
      await panel.getByTestId('ledger-goaml').filter({ hasText: 'FIU-TEST-0001' }).waitFor();
      const audit = await demo.server.services.audit.newest(100);
      assert.ok(audit.some((entry) => entry.action === 'case.report_filed' && entry.actor === 'person:reviewer'));
    });

    test("a permanent refusal (4100 at /fileinfo) retracts the report and shows NCMEC's answer plainly", async () => {
      const caseId = caseOf('stream_match');
      assert.ok(caseId > 0);
      const page = await freshPage();
      await signIn(page, url, 'reviewer', password('reviewer'));
      await page.goto(`${url}/console/cases/${caseId}`);
      await page.getByTestId('claim').click();
      await page.getByTestId('claim-status').filter({ hasText: 'Claimed by you' }).waitFor();
      await page.getByTestId('decide-confirm').click();
      await page.getByTestId('decision-reason').fill('A synthetic stream frame of the demo bank.');
      await page.getByTestId('decision-submit').click();
      await page.getByTestId('decision-status').filter({ hasText: 'confirm' }).waitFor();

      ncmec.failNext('/fileinfo', 1, { code: 4100 });
      const before = ncmec.reports().length;
      await page.getByTestId('cybertip-start').click();
      await page.getByTestId('cybertip-send').click();
      const result = page.getByTestId('cybertip-result');
      await result.waitFor();
      assert.match((await result.getByTestId('cybertip-result-status').textContent()) ?? '', /Retracted/);
      assert.equal(ncmec.reports().length, before + 1);
      assert.equal(ncmec.reports().at(-1)?.status, 'retracted');
      const panel = page.getByTestId('report-ledger');
      const error = panel.getByTestId('submission-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /\/fileinfo.*4100.*retrying cannot help/s);
      assert.match((await error.getByTestId('submission-error-text').textContent()) ?? '', /Validation failed/);
      assert.equal(await panel.getByTestId('ledger-ncmec').count(), 0, 'a retracted report is not a ledger line');
      assert.deepEqual(await seriousViolations(page), []);
    });
  });
});
