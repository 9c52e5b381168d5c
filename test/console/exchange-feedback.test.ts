/**
 * "Feedback to exchanges" on the case page, in a real browser: a case matched items of an NCMEC
 * exchange's bank (its contract server) and of a file exchange. The page shows the NCMEC match
 * with no feedback yet and the file match as not supported by that API; a reviewer gives a true
 * positive with a reason, the row shows it queued, and after the feedback job's tick, sent — and
 * the contract server received NCMEC's affirmative vote once.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type ConsoleBrowser,
  consoleSkipReason,
  openConsoleBrowser,
  seriousViolations,
  signIn,
} from '../support/console-browser.js';
import { addPerson, type ConsoleServer, startConsoleServer } from '../support/console-server.js';
import { testCredentialRing } from '../support/exchange-servers.js';
import { listUpstream, type NcmecContractServer, startNcmecContractServer } from '../support/ncmec-contract-server.js';

const skip = consoleSkipReason();

describe('feedback to exchanges on the case page', { skip }, () => {
  let browser: ConsoleBrowser;
  let server: ConsoleServer;
  let ncmec: NcmecContractServer;
  let caseId: number;
  let ncmecItem: number;
  const path = join(tmpdir(), `prevail-console-feedback-${process.pid}.txt`);

  before(async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    ncmec = await startNcmecContractServer({
      upstream: listUpstream(() => [
        { member: 101, id: 'c1', type: 'image', timestamp: nowSeconds - 600, md5: '78'.repeat(16) },
      ]),
    });
    server = await startConsoleServer({ exchangeKeys: testCredentialRing });
    const { services } = server;
    await services.exchanges.add({ name: 'NCMEC_CONSOLE', kind: 'ncmec', config: { environment: ncmec.url } });
    await services.exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
    await services.exchanges.fetch('NCMEC_CONSOLE');
    await writeFile(path, `md5 ${'9a'.repeat(16)}\n`);
    await services.exchanges.add({ name: 'FILE_CONSOLE', kind: 'file', config: { path } });
    await services.exchanges.fetch('FILE_CONSOLE');
    ncmecItem = (await services.banks.listContent('NCMEC_CONSOLE', { limit: 1 }))[0]?.id ?? -1;
    const fileItem = (await services.banks.listContent('FILE_CONSOLE', { limit: 1 }))[0]?.id ?? -1;
    const [result] = (await services.engine?.engine.ingest(
      [
        {
          id: 'console-feedback-1',
          type: 'media.matched',
          time: new Date().toISOString(),
          entities: { user: 'u-feedback' },
          data: {
            matches: [
              { bank: 'NCMEC_CONSOLE', contentId: ncmecItem, signalType: 'md5', distance: 0 },
              { bank: 'FILE_CONSOLE', contentId: fileItem, signalType: 'md5', distance: 0 },
            ],
            signals: { md5: '78'.repeat(16) },
            source: 'api',
          },
        },
      ],
      { wait: true },
    )) ?? [undefined];
    assert.equal(result?.status, 'accepted', JSON.stringify(result));
    const [found] = await services.storage.engine.cases.list({ subject: 'user:u-feedback' });
    assert.ok(found);
    caseId = found.id;
    await addPerson(services, 'rita', ['child_safety_reviewer'], { optIn: true });
    browser = await openConsoleBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await ncmec?.close();
    await rm(path, { force: true });
  });

  test('where each match’s feedback went; a true positive given, queued, then sent once', async () => {
    const page = await browser.context.newPage();
    await signIn(page, server.url, 'rita');
    await page.goto(`${server.url}/console/cases/${caseId}`);
    await page.getByRole('heading', { name: 'Feedback to exchanges' }).waitFor();
    const ncmecRow = page.getByTestId(`feedback-NCMEC_CONSOLE-${ncmecItem}-md5`);
    await ncmecRow.waitFor();
    assert.match((await ncmecRow.getByTestId('feedback-state').textContent()) ?? '', /No feedback yet/);
    const fileRow = page.locator('[data-testid^="feedback-FILE_CONSOLE-"]');
    assert.match((await fileRow.getByTestId('feedback-state').textContent()) ?? '', /Not supported by this exchange/);
    assert.equal(await fileRow.getByTestId('feedback-true-positive').count(), 0, 'no verdict where the API takes none');

    assert.equal(await ncmecRow.getByTestId('feedback-true-positive').isDisabled(), true, 'a reason first');
    await ncmecRow.getByTestId('feedback-reason').fill('synthetic console test');
    await ncmecRow.getByTestId('feedback-true-positive').click();
    await ncmecRow.getByTestId('feedback-state').filter({ hasText: 'Queued: true positive' }).waitFor();
    assert.equal(ncmec.feedback.length, 0, 'sent by the job, not by the click');

    const tick = await server.services.exchanges.feedbackTick();
    assert.equal(tick.sent, 1, JSON.stringify(tick));
    await page.reload();
    await page
      .getByTestId(`feedback-NCMEC_CONSOLE-${ncmecItem}-md5`)
      .getByTestId('feedback-state')
      .filter({ hasText: 'Sent: true positive' })
      .waitFor();
    assert.equal(ncmec.feedback.length, 1);
    assert.match(String(ncmec.feedback[0]?.body), /<affirmative\/>/);
    assert.deepEqual(await seriousViolations(page), []);
  });
});
