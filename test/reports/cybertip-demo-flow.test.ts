import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type CybertipContractServer, startCybertipContractServer } from '../support/cybertip-contract-server.js';
import { freePort } from '../support/free-port.js';
import { parseXml } from '../support/xml-tree.js';

/**
 * Issue 12's "done when", end to end over real processes: `prevail demo` (a child process, so it
 * can be killed), a reviewer who confirms the demo's hash-match case after revealing one of its
 * two pictures, a CyberTipline submission to the local contract server, the demo killed while
 * NCMEC's `/finish` hangs and started again, the same report finished once, the preserved
 * material decrypting after a key rotation.
 */

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** Every wait in this file ends: no step may take longer than this. */
const stepTimeoutMs = 90_000;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + stepTimeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

interface DemoProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly passwords: ReadonlyMap<string, string>;
  stderr(): string;
}

/** Starts `prevail demo` on `port` over `dataDir` and reads the URL and the logins it prints. */
async function startDemoProcess(dataDir: string, port: number, env: Record<string, string>): Promise<DemoProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, 'demo', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1'],
    { env: { ...process.env, ...env, PREVAIL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const passwords = await until(`the demo's logins (stderr: ${err.slice(-500)})`, () => {
    if (child.exitCode !== null) throw new Error(`the demo exited ${child.exitCode}: ${err.slice(-2000)}`);
    const found = new Map<string, string>();
    for (const match of out.matchAll(/^ {2}(admin|reviewer|analyst|wellness|auditor) +(\S{12,}) {2}\(/gm))
      found.set(match[1] as string, match[2] as string);
    return found.size === 5 ? found : undefined;
  });
  return { child, url: `http://127.0.0.1:${port}`, passwords, stderr: () => err };
}

async function stopDemo(demo: DemoProcess, signal: NodeJS.Signals): Promise<void> {
  if (demo.child.exitCode !== null || demo.child.signalCode !== null) return;
  const exited = new Promise<void>((done) => demo.child.once('exit', () => done()));
  demo.child.kill(signal);
  await exited;
}

/** A signed-in console session over HTTP, as the browser holds it. */
async function signIn(demo: DemoProcess, login: string) {
  const response = await fetch(`${demo.url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: demo.passwords.get(login) }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return async (method: string, path: string, body?: unknown) => {
    const answer = await fetch(`${demo.url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    return { status: answer.status, text, json: () => JSON.parse(text) };
  };
}

function fileDetailsValue(xml: string, name: string): string | undefined {
  return parseXml(xml).children.find((child) => child.name === name)?.text;
}

describe('CyberTipline from the demo: decide, reveal one of two, submit, crash before finish, restart, preserve, rotate', () => {
  let dataDir: string;
  let contract: CybertipContractServer;
  let demo: DemoProcess | undefined;
  let env: Record<string, string>;
  let port: number;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prevail-cybertip-demo-'));
    contract = await startCybertipContractServer();
    port = await freePort();
    env = {
      PREVAIL_CYBERTIP_USERNAME: contract.username,
      PREVAIL_CYBERTIP_PASSWORD: contract.password,
      PREVAIL_CYBERTIP_BASE_URL: contract.url,
      PREVAIL_CYBERTIP_TIMEOUT_MS: '60000',
    };
  });
  after(async () => {
    if (demo !== undefined) await stopDemo(demo, 'SIGKILL');
    await contract.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  let caseId: number;
  let reportId: string;

  test('the reviewer reveals one of two files, confirms, submits; the demo dies while /finish hangs', async () => {
    demo = await startDemoProcess(dataDir, port, env);
    const reviewer = await signIn(demo, 'reviewer');
    const queue = await reviewer('GET', '/console/api/queues/child-safety/cases');
    assert.equal(queue.status, 200, queue.text);
    const item = (queue.json().cases as { caseId: number; subject: string }[]).find(
      (entry) => entry.subject === 'user:demo-user-hash-match',
    );
    assert.ok(item, queue.text);
    caseId = item.caseId;
    assert.equal((await reviewer('POST', `/console/api/cases/${caseId}/claim`)).status, 200);
    const view = await reviewer('GET', `/console/api/cases/${caseId}`);
    assert.equal(view.status, 200, view.text);
    const media = view.json().media as { id: string }[];
    assert.equal(media.length, 2, 'the demo case holds two files');

    const granted = await reviewer('POST', `/console/api/media/${media[0]?.id}/reveal`, { reason: 'classify it' });
    assert.equal(granted.status, 200, granted.text);
    const served = await reviewer('GET', granted.json().url);
    assert.equal(served.status, 200, 'the first file was shown to the reviewer');

    const decided = await reviewer('POST', `/console/api/cases/${caseId}/decision`, {
      action: 'confirm',
      reason: 'matches a banked demo picture (synthetic)',
      classification: 'A1',
    });
    assert.equal(decided.status, 200, decided.text);

    contract.failNext('/finish', 1, { hang: true });
    const pending = reviewer('POST', `/console/api/cases/${caseId}/cybertip`, {}).catch(() => undefined);
    await until('the submitter to reach /finish', () =>
      contract.calls.some((call) => call.endpoint === '/finish') ? true : undefined,
    );
    await stopDemo(demo, 'SIGKILL');
    demo = undefined;
    await pending;

    const [report, ...more] = contract.reports();
    assert.equal(more.length, 0, 'one report was opened');
    assert.ok(report);
    assert.equal(report.status, 'open', 'killed between the uploads and /finish');
    reportId = report.reportId;
    assert.equal(report.files.length, 2);
    const viewed = report.files.map((file) => fileDetailsValue(file.fileDetails[0] ?? '', 'fileViewedByEsp'));
    assert.deepEqual(viewed, ['true', 'false'], 'the revealed file says viewed, the other not');
    const summary = parseXml(report.xml).children.find((child) => child.name === 'incidentSummary');
    assert.equal(
      summary?.children.find((child) => child.name === 'incidentType')?.text,
      'Child Pornography (possession, manufacture, and distribution)',
    );
    assert.equal(
      fileDetailsValue(report.files[0]?.fileDetails[0] ?? '', 'industryClassification'),
      'A1',
      "the reviewer's classification, of the file the reviewer saw",
    );
    assert.equal(
      fileDetailsValue(report.files[1]?.fileDetails[0] ?? '', 'industryClassification'),
      undefined,
      'no classification for a file nobody viewed',
    );
  });

  test('restarted, the demo finishes the same report once; the ledger and the case say where it went', async () => {
    demo = await startDemoProcess(dataDir, port, env);
    await until('the report to be finished', () => (contract.reports()[0]?.status === 'finished' ? true : undefined));
    assert.equal(contract.reports().length, 1, 'still one report');
    assert.equal(contract.reports()[0]?.reportId, reportId);
    assert.equal(contract.calls.filter((call) => call.endpoint === '/submit').length, 1, 'submitted once');
    assert.equal(contract.calls.filter((call) => call.endpoint === '/upload').length, 2, 'each file uploaded once');

    const reviewer = await signIn(demo, 'reviewer');
    const reports = await until('the receipt to be handled', async () => {
      const answer = await reviewer('GET', `/console/api/cases/${caseId}/reports`);
      assert.equal(answer.status, 200, answer.text);
      const body = answer.json();
      return body.ledger.length > 0 ? body : undefined;
    });
    assert.deepEqual(
      reports.ledger.map((entry: { destination: string; externalId: string }) => [entry.destination, entry.externalId]),
      [['ncmec', reportId]],
    );
    assert.equal(reports.submissions[0].status, 'finished');
    const again = await reviewer('POST', `/console/api/cases/${caseId}/cybertip`, {});
    assert.equal(again.status, 200, 'the same decision submitted again');
    assert.equal(again.json().submission.reportId, reportId, 'returns the first submission');
    assert.equal(contract.reports().length, 1, 'and sends nothing');
    const view = await until('the case to be reported', async () => {
      const answer = await reviewer('GET', `/console/api/cases/${caseId}`);
      return answer.json().case.status === 'reported' ? answer.json() : undefined;
    });
    assert.equal(view.case.status, 'reported');
    await stopDemo(demo, 'SIGTERM');
    demo = undefined;
  });

  test('the preserved report and files decrypt after a key rotation, with only the new key', async () => {
    const evidenceDir = join(dataDir, 'demo-evidence');
    const demoKey = (await readFile(join(dataDir, 'demo-evidence-key'), 'utf8')).trim();
    const newKey = randomBytes(32).toString('hex');
    const base = { ...process.env, PREVAIL_LOG_LEVEL: 'warn' } as Record<string, string | undefined>;
    delete base.PREVAIL_EVIDENCE_KEY;
    delete base.PREVAIL_EVIDENCE_KEYS;
    const prevail = (args: string[], keys: string) =>
      run(
        process.execPath,
        ['--import', 'tsx', cli, 'evidence', ...args, '--dir', evidenceDir, '--data-dir', dataDir],
        {
          env: { ...base, PREVAIL_EVIDENCE_KEYS: keys },
          timeout: stepTimeoutMs,
        },
      );

    const rotated = await prevail(
      ['rotate-key', '--reason', 'yearly key rotation (test)'],
      `k2:${newKey},default:${demoKey}`,
    );
    assert.equal(JSON.parse(rotated.stdout).currentKeyId, 'k2');

    const listed = JSON.parse((await prevail(['list', '--subject', `case:${caseId}`], `k2:${newKey}`)).stdout) as {
      items: { record: { id: string; kind: string; retainUntil: string }; keyId: string }[];
    };
    const kinds = listed.items.map((item) => item.record.kind).sort();
    assert.deepEqual(kinds, [
      'case_timeline',
      'report_xml',
      'reported_file',
      'reported_file',
      'subject_events',
      'subject_links',
    ]);
    assert.ok(
      listed.items.every((item) => item.keyId === 'k2'),
      'every item is under the new key',
    );
    for (const item of listed.items) {
      const days = (Date.parse(item.record.retainUntil) - Date.now()) / 86_400_000;
      assert.ok(days > 364 && days <= 365, `kept a year from the receipt (${days.toFixed(1)} days)`);
    }

    const reportItem = listed.items.find((item) => item.record.kind === 'report_xml');
    const out = join(dataDir, 'opened-report.xml');
    await prevail(
      ['open', reportItem?.record.id ?? '', '--reason', 'check the preserved report (test)', '--out', out],
      `k2:${newKey}`,
    );
    assert.equal(
      await readFile(out, 'utf8'),
      contract.reports()[0]?.xml,
      'the preserved report is what NCMEC received',
    );

    for (const [index, item] of listed.items.filter((entry) => entry.record.kind === 'reported_file').entries()) {
      const file = join(dataDir, `opened-file-${index}`);
      await prevail(
        ['open', item.record.id, '--reason', 'check a preserved file (test)', '--out', file],
        `k2:${newKey}`,
      );
      const sha = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      assert.ok(
        contract.reports()[0]?.files.some((received) => received.sha256 === sha),
        'a preserved file is a file NCMEC received',
      );
    }
  });
});
