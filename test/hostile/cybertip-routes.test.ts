import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { patternPixels } from '../../src/demo/index.js';
import {
  addPerson,
  type ConsoleServer,
  hashMatchCase,
  startConsoleServer,
  testPassword,
} from '../support/console-server.js';
import { type CybertipContractServer, startCybertipContractServer } from '../support/cybertip-contract-server.js';
import { parseXml } from '../support/xml-tree.js';

/**
 * The console's CyberTipline routes under hostile and careless use: what is refused (with its
 * code) sends nothing to NCMEC and stores no submission; what is accepted is sent once.
 */

const reportsYaml = `cybertipline:
  platform: Test Platform
  reporting_person: { first_name: Test, last_name: Reporter, email: reporter@example.org }
`;

async function picture(seed: number): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(patternPixels(64, 48, seed), { raw: { width: 64, height: 48, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

type Call = (
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  options?: { csrf?: boolean },
) => Promise<{ statusCode: number; body: string; json: () => ReturnType<typeof JSON.parse> }>;

async function session(server: ConsoleServer, login: string): Promise<Call> {
  const signedIn = await server.app.inject({
    method: 'POST',
    url: '/console/api/session',
    payload: { login, password: testPassword },
  });
  assert.equal(signedIn.statusCode, 200, signedIn.body);
  const cookie = `prevail_session=${signedIn.cookies.find((item) => item.name === 'prevail_session')?.value}`;
  const csrf = signedIn.json().csrfToken as string;
  return async (method, url, body, options = {}) =>
    server.app.inject({
      method,
      url,
      headers: { cookie, ...(options.csrf === false ? {} : { 'x-csrf-token': csrf }) },
      ...(body === undefined ? {} : { payload: body as object }),
    });
}

describe('CyberTipline routes: refusals send nothing, a valid submit sends one report', () => {
  let contract: CybertipContractServer;
  let server: ConsoleServer;
  let reviewer: Call;
  let analyst: Call;
  let caseId: number;

  before(async () => {
    contract = await startCybertipContractServer();
    server = await startConsoleServer({
      cybertip: { url: contract.url, username: contract.username, password: contract.password, reportsYaml },
    });
    await addPerson(server.services, 'reviewer', ['child_safety_reviewer'], { optIn: true });
    await addPerson(server.services, 'analyst', ['payments_analyst']);
    reviewer = await session(server, 'reviewer');
    analyst = await session(server, 'analyst');
    caseId = await hashMatchCase(server, 'u-hostile', await picture(11));
  });
  after(async () => {
    await server.close();
    await contract.close();
  });

  const sentNothing = () => {
    assert.equal(contract.calls.length, 0, 'nothing reached NCMEC');
  };

  test('an undecided case is refused (CASE_TRANSITION_INVALID)', async () => {
    const answer = await reviewer('POST', `/console/api/cases/${caseId}/cybertip`, {});
    assert.equal(answer.statusCode, 409, answer.body);
    assert.equal(answer.json().error.code, 'CASE_TRANSITION_INVALID');
    sentNothing();
  });

  test('bad bodies, ids, a missing CSRF token and the wrong role are refused with their codes', async () => {
    const decided = await reviewer('POST', `/console/api/cases/${caseId}/decision`, {
      action: 'confirm',
      reason: 'a banked test picture (synthetic)',
      classification: 'B1',
    });
    assert.equal(decided.statusCode, 200, decided.body);
    const url = `/console/api/cases/${caseId}/cybertip`;
    const cases: [unknown, number, string][] = [
      [{ extra: true }, 400, 'REQUEST_INVALID'],
      [{ annotations: 'sextortion' }, 400, 'REQUEST_INVALID'],
      [{ annotations: ['notAnAnnotation'] }, 400, 'REQUEST_INVALID'],
      [{ incidentType: 'Something Else' }, 400, 'REQUEST_INVALID'],
      [{ escalate: 'urgent\u0000now' }, 400, 'REQUEST_INVALID'],
      [{ escalate: 'x'.repeat(3001) }, 400, 'REQUEST_INVALID'],
      [{ supplemental: 'yes' }, 400, 'REQUEST_INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await reviewer('POST', url, body);
      assert.equal(answer.statusCode, status, `${JSON.stringify(body).slice(0, 60)}: ${answer.body}`);
      assert.equal(answer.json().error.code, code);
    }
    for (const id of ['abc', '0', '-1', '99999999999999999999', '1.5']) {
      const answer = await reviewer('POST', `/console/api/cases/${id}/cybertip`, {});
      assert.ok([400, 404].includes(answer.statusCode), `${id}: ${answer.statusCode}`);
    }
    const unknown = await reviewer('POST', '/console/api/cases/999999/cybertip', {});
    assert.equal(unknown.json().error.code, 'CASE_NOT_FOUND');
    const noCsrf = await reviewer('POST', url, {}, { csrf: false });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error.code, 'CSRF_REJECTED');
    const wrongQueue = await analyst('POST', url, {});
    assert.equal(wrongQueue.statusCode, 403);
    sentNothing();
    const reports = await reviewer('GET', `/console/api/cases/${caseId}/reports`);
    const stored = reports.json();
    assert.deepEqual([stored.ledger, stored.submissions], [[], []], 'nothing stored');
    assert.deepEqual(
      stored.files.map((file: { viewed: boolean }) => file.viewed),
      [false],
      'the one file, not viewed by anyone',
    );
  });

  test('a valid submit sends one report; the unviewed file says so and carries no classification', async () => {
    const answer = await reviewer('POST', `/console/api/cases/${caseId}/cybertip`, {});
    assert.equal(answer.statusCode, 200, answer.body);
    const { submission } = answer.json();
    assert.equal(submission.status, 'finished');
    const [report] = contract.reports();
    assert.equal(report?.reportId, submission.reportId);
    const details = parseXml(report?.files[0]?.fileDetails[0] ?? '<x/>');
    const value = (name: string) => details.children.find((child) => child.name === name)?.text;
    assert.equal(value('fileViewedByEsp'), 'false', 'nobody revealed it');
    assert.equal(value('industryClassification'), undefined);
    assert.equal(value('locationOfFile')?.startsWith(server.mediaUrl), true, 'the platform URL it was read from');

    const again = await reviewer('POST', `/console/api/cases/${caseId}/cybertip`, {});
    assert.equal(again.json().submission.id, submission.id, 'the same decision: the same submission');
    assert.equal(contract.reports().length, 1, 'and nothing sent');
  });

  test('filings: bad destination, blank reference or no reason are refused; a valid one joins the ledger', async () => {
    const url = `/console/api/cases/${caseId}/filings`;
    for (const [body, code] of [
      [{ destination: 'GOAML', reference: 'R-1', reason: 'filed on the portal' }, 'REQUEST_INVALID'],
      [{ destination: 'other:../x', reference: 'R-1', reason: 'filed on the portal' }, 'REQUEST_INVALID'],
      [{ destination: 'goaml', reference: '   ', reason: 'filed on the portal' }, 'REQUEST_INVALID'],
      [{ destination: 'goaml', reference: 'R\u00001', reason: 'filed on the portal' }, 'REQUEST_INVALID'],
      [{ destination: 'goaml', reference: 'R-1' }, 'REASON_REQUIRED'],
    ] as const) {
      const answer = await reviewer('POST', url, body);
      assert.equal(answer.statusCode, 400, answer.body);
      assert.equal(answer.json().error.code, code, JSON.stringify(body));
    }
    const filed = await reviewer('POST', url, {
      destination: 'goaml',
      reference: 'FIU-TEST-0001',
      reason: 'uploaded to the (test) FIU portal',
    });
    assert.equal(filed.statusCode, 200, filed.body);
    assert.deepEqual(
      filed.json().ledger.map((entry: { destination: string; externalId: string }) => entry.destination),
      ['ncmec', 'goaml'],
    );
  });

  test("NCMEC's permanent refusal stops the submission with its text; a supplemental report is a second report", async () => {
    contract.failNext('/submit', 1, { code: 4100 });
    const other = await hashMatchCase(server, 'u-hostile-2', await picture(13));
    const decided = await reviewer('POST', `/console/api/cases/${other}/decision`, {
      action: 'confirm',
      reason: 'a banked test picture (synthetic)',
    });
    assert.equal(decided.statusCode, 200, decided.body);
    const refused = await reviewer('POST', `/console/api/cases/${other}/cybertip`, {});
    assert.equal(refused.statusCode, 200, refused.body);
    assert.equal(refused.json().submission.status, 'failed');
    assert.match(refused.json().submission.lastError.text, /Validation failed/);
    assert.equal(refused.json().submission.lastError.kind, 'permanent');

    const supplemental = await reviewer('POST', `/console/api/cases/${caseId}/cybertip`, { supplemental: true });
    assert.equal(supplemental.statusCode, 200, supplemental.body);
    assert.equal(supplemental.json().submission.status, 'finished');
    assert.equal(contract.reports().filter((report) => report.status === 'finished').length, 2);
  });
});

describe('CyberTipline routes without a submitter', () => {
  let server: ConsoleServer;
  before(async () => {
    server = await startConsoleServer();
    await addPerson(server.services, 'reviewer', ['child_safety_reviewer'], { optIn: true });
  });
  after(async () => server.close());

  test('submit answers REPORTING_NOT_CONFIGURED and the reports say it is not configured', async () => {
    const reviewer = await session(server, 'reviewer');
    const caseId = await hashMatchCase(server, 'u-unconfigured', await picture(17));
    const answer = await reviewer('POST', `/console/api/cases/${caseId}/cybertip`, {});
    assert.equal(answer.statusCode, 409, answer.body);
    assert.equal(answer.json().error.code, 'REPORTING_NOT_CONFIGURED');
    const reports = await reviewer('GET', `/console/api/cases/${caseId}/reports`);
    assert.equal(reports.json().submissionConfigured, false);
  });
});
