import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BankService } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import type { EvidenceVault } from '../evidence/index.js';
import { mediaMatchedEvent } from '../matching/index.js';
import { type PaymentRecord, toPaymentEvent } from '../payments/index.js';
import { generatePassword, type PeopleService, type Role } from '../people/index.js';
import { demoBankName } from './demo-bank.js';
import { patternPixels } from './patterns.js';

/**
 * What the console demo seed needs, handed in by the composition root (`prevail demo`), so that
 * `demo/` stays small: the bank service (the demo bank must exist: `setUpDemoBank`), people, the
 * engine's ingestion, a look-up of cases by subject, and the evidence vault the demo's pictures
 * are kept in.
 */
export interface ConsoleDemoServices {
  readonly banks: BankService;
  readonly people: PeopleService;
  /** The signals engine's ingestion (`SignalsEngine.ingest`): the real path every event takes. */
  readonly engine: {
    ingest(
      events: readonly unknown[],
      options: { wait?: boolean },
    ): Promise<readonly { status: string; code?: string; problems?: unknown }[]>;
  };
  /** The cases of a subject (`CaseRepository.list`): a scenario whose case exists is not seeded again. */
  readonly cases: { list(filter: { subject: string; limit: number }): Promise<readonly { id: number }[]> };
  /** The evidence vault (the demo turns preservation on with a key kept in its data directory). */
  readonly evidence: EvidenceVault;
}

/** A person the demo made, with the password it set on this run. */
export interface DemoLogin {
  readonly login: string;
  readonly password: string;
  readonly roles: readonly Role[];
}

/** What the seed made: the people (with passwords to print) and the demo's cases by scenario. */
export interface ConsoleDemoSeed {
  readonly people: readonly DemoLogin[];
  readonly cases: readonly { readonly scenario: DemoScenario; readonly caseId: number; readonly subject: string }[];
}

/** The demo's case scenarios. */
export type DemoScenario = 'hash_match' | 'stream_match' | 'payments' | 'imminent_harm';

/** The demo's people: one per role. */
export const demoPeople: readonly { readonly login: string; readonly roles: readonly Role[] }[] = [
  { login: 'admin', roles: ['admin'] },
  { login: 'reviewer', roles: ['child_safety_reviewer'] },
  { login: 'analyst', roles: ['payments_analyst'] },
  { login: 'wellness', roles: ['wellness_lead'] },
  { login: 'auditor', roles: ['auditor'] },
];

const actor = 'system:demo';

/**
 * The policy the demo runs when the operator gave none (written to `directory` on every run):
 * the example policy's bank-match rule (a `media.matched` with a match opens an urgent case on
 * the user) and the OCSE payments pack's F16 rule made active (the pack's rules are shadow
 * otherwise), so that a small synthetic payment burst raises the `sextortion_victim` typology.
 */
export async function writeDemoPolicy(directory: string): Promise<string> {
  await mkdir(join(directory, 'rules'), { recursive: true });
  await writeFile(
    join(directory, 'labels.yaml'),
    '# The demo policy (written by `prevail demo`; edits are overwritten).\nlabels: [media_match]\n',
  );
  await writeFile(
    join(directory, 'rules', 'media.yaml'),
    [
      'rules:',
      '  - id: banked_media_match',
      '    description: Media matched a hash bank',
      '    events: [media.matched]',
      '    when: size(matches) > 0',
      '    mode: active',
      '    effects:',
      '      - verdict: block',
      '        reason: matched known material in a hash bank',
      '      - label: { entity: user, add: media_match, expires: 90d }',
      '      - case: { subject: user, priority: urgent }',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(directory, 'builtin-rules.yaml'),
    'builtin_rules:\n  sextortion_f16_victim_payment_burst: { mode: active }\n',
  );
  await writeFile(join(directory, 'reports.yaml'), demoReportFiler);
  return directory;
}

/**
 * The filer's side of the demo's reports (`reports.yaml`, read by the console's "Build report"
 * and "Report to NCMEC"): a plainly fake remitter, its FIU settings, the KYC of the demo payer
 * and a fake CyberTipline reporter. Every name, number and address is an example.
 */
const demoReportFiler = `# The demo filer (written by \`prevail demo\`; edits are overwritten). Synthetic throughout.
narrative: >-
  Synthetic demo narrative: a young account holder sent three gift-card payments within hours
  to a payee first seen the same day.
reporting_entity:
  goaml:
    rentity_id: 1001
    branch: HQ
    local_currency: USD
    reporting_user_code: DEMO01
    location: { street: 1 Example Street, city: Springfield, country: US }
  fincen:
    name: Demo Example Remit Inc
    tin: 00-0000001
    tin_type: ein
    address: { street: 1 Example Way, city: Vienna, state: VA, postal_code: '22180', country: US }
    contact_office: { name: Demo Example Compliance Office, phone: 703-555-0100 }
subjects:
  demo-acct-sender:
    first_name: Demo
    last_name: Sender
    birth_date: '2007-06-01'
    country: US
    nationality: US
    address: { street: 100 Example Avenue, city: Springfield, state: IL, postal_code: '62701', country: US }
    national_id_number: 000-00-0000
    phone: { country_prefix: '1', number: 555-010-0199 }
goaml: { version: 1, fiu: TEST-FIU generic 5.0.1, my_client_side: sender, time_zone: UTC }
fincen:
  version: 1
  transmitter:
    name: Demo Example Remit Inc
    tin: 00-0000001
    tcc: TBSATEST
    phone: 703-555-0100
    contact_name: Demo Contact
    address: { street: 1 Example Way, city: Vienna, state: VA, postal_code: '22180', country: US }
  filer: { primary_regulator: irs, institution_type: money_services_business }
  location_role: selling
cybertipline:
  platform: Prevail Demo Platform
  esp_service: Demo Uploads
  reporting_person: { first_name: Demo, last_name: Reporter, email: demo-reporter@example.org }
  company_template: A synthetic demo reporter of the Prevail demo; not a real company.
`;

/**
 * Seeds the review console demo over running services: the five demo people (new passwords on
 * every run, so the printed ones work; the reviewer with a recorded child-safety opt-in) and four
 * cases made by ingesting synthetic, plainly fake events through the real engine:
 *
 * - `hash_match`: two `media.matched` events of demo bank pictures (distance 0), each picture kept
 *   in the evidence vault and named by `data.media.evidenceId` (two files: a report can say which
 *   one a person viewed);
 * - `stream_match`: a `media.matched` from a (pretend) watched stream, `data.source: 'stream'`,
 *   with its frame in the vault, as a stream watcher with evidence preservation sends it;
 * - `payments`: three gift-card payments by a 19-year-old to a new payee within hours (F16),
 *   which raises the `sextortion_victim` typology with reasons citing their guidance;
 * - `imminent_harm`: a bank match flagged `data.imminent_harm: true`.
 *
 * Every picture is a generated benign pattern. A scenario whose subject already has a case is
 * not seeded again, and event ids are fixed (the engine ignores a duplicate), so a second run
 * neither fails nor duplicates cases.
 *
 * @throws EngineError `CONFIG_INVALID` when the demo bank is missing or the policy opens no case
 *   for a scenario (e.g. an operator policy without a bank-match rule).
 */
export async function seedConsoleDemo(
  services: ConsoleDemoServices,
  options: { now?: Date } = {},
): Promise<ConsoleDemoSeed> {
  const now = options.now ?? new Date();
  const people = await seedPeople(services.people);
  const bank = await services.banks.getBank(demoBankName);
  const content = await services.banks.repository.listContent(bank.id, { limit: 100 });
  const banked = (seed: number) => {
    const item = content.find((record) => record.externalId === `pattern-${seed}`);
    if (item === undefined) throw new EngineError('CONFIG_INVALID', `the demo bank has no pattern-${seed}`);
    return { bank: demoBankName, contentId: item.id, signalType: 'pdq', distance: 0, pdq: item.signals.pdq };
  };
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

  const scenarios: { scenario: DemoScenario; subject: string; events: () => Promise<unknown[]> }[] = [
    {
      scenario: 'hash_match',
      subject: 'user:demo-user-hash-match',
      events: async () => [
        await mediaMatch(services.evidence, {
          id: 'demo-console-hash-match',
          user: 'demo-user-hash-match',
          match: banked(1),
          seed: 1,
          source: { kind: 'api' },
          time: hoursAgo(3),
        }),
        await mediaMatch(services.evidence, {
          id: 'demo-console-hash-match-2',
          user: 'demo-user-hash-match',
          match: banked(7),
          seed: 7,
          source: { kind: 'api' },
          time: hoursAgo(2.5),
        }),
      ],
    },
    {
      scenario: 'stream_match',
      subject: 'user:demo-user-streamer',
      events: async () => [
        await mediaMatch(services.evidence, {
          id: 'demo-console-stream-match',
          user: 'demo-user-streamer',
          match: banked(3),
          seed: 3,
          source: { kind: 'stream', frameTimestamp: 42.5 },
          time: hoursAgo(2),
        }),
      ],
    },
    {
      scenario: 'payments',
      subject: 'payment_account:demo-acct-sender',
      events: async () => victimBurst(now).map((record) => toPaymentEvent(record)),
    },
    {
      scenario: 'imminent_harm',
      subject: 'user:demo-user-imminent',
      events: async () => [
        await mediaMatch(services.evidence, {
          id: 'demo-console-imminent',
          user: 'demo-user-imminent',
          match: banked(5),
          seed: 5,
          source: { kind: 'api' },
          time: hoursAgo(1),
          imminent: true,
        }),
      ],
    },
  ];

  const cases: { scenario: DemoScenario; caseId: number; subject: string }[] = [];
  for (const { scenario, subject, events } of scenarios) {
    let [found] = await services.cases.list({ subject, limit: 1 });
    if (found === undefined) {
      const results = await services.engine.ingest(await events(), { wait: true });
      const refused = results.find((result) => result.status === 'rejected');
      if (refused !== undefined)
        throw new EngineError('INTERNAL', `a demo event was refused: ${JSON.stringify(refused.problems)}`);
      [found] = await services.cases.list({ subject, limit: 1 });
    }
    if (found === undefined)
      throw new EngineError(
        'CONFIG_INVALID',
        `the policy opened no case for the demo's ${scenario} scenario (run "prevail demo" without --policy to use the demo policy)`,
      );
    cases.push({ scenario, caseId: found.id, subject });
  }
  return { people, cases };
}

/** Creates the demo people, or gives them new passwords and their demo roles again. */
async function seedPeople(people: PeopleService): Promise<DemoLogin[]> {
  const existing = new Set((await people.list()).map((person) => person.login));
  const made: DemoLogin[] = [];
  for (const { login, roles } of demoPeople) {
    const password = generatePassword();
    if (existing.has(login)) {
      await people.setRoles(login, roles, { actor, reason: 'demo roles' });
      await people.setPassword(login, password, { actor, reason: 'demo password reset' });
    } else {
      await people.create({ login, displayName: `Demo ${login}`, password, roles }, { actor, reason: 'demo person' });
    }
    if (roles.includes('child_safety_reviewer') && (await people.get(login)).childSafetyOptInAt === null)
      await people.setChildSafetyOptIn(login, true, { actor, reason: 'demo: opt-in recorded for trying the console' });
    made.push({ login, password, roles });
  }
  return made;
}

/**
 * A `media.matched` event of a banked demo picture, as `/v1/match` or a stream watcher makes it,
 * with the picture (a generated pattern) kept in the evidence vault and named by `data.media`.
 */
async function mediaMatch(
  evidence: EvidenceVault,
  input: {
    id: string;
    user: string;
    match: { bank: string; contentId: number; signalType: string; distance: number; pdq: string | undefined };
    seed: number;
    source: { kind: 'api' } | { kind: 'stream'; frameTimestamp: number };
    time: Date;
    imminent?: boolean;
  },
): Promise<unknown> {
  const picture = new Uint8Array(
    await sharp(patternPixels(640, 480, input.seed), { raw: { width: 640, height: 480, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
  const record = await evidence.preserve({
    kind: input.source.kind === 'stream' ? 'stream_frame' : 'demo_picture',
    subject: `user:${input.user}`,
    mediaType: 'image/jpeg',
    media: picture,
    context: { event: input.id, demo: true, pattern: input.seed },
    actor,
    reason: 'demo: a generated benign picture kept for the review console',
  });
  const { pdq, ...match } = input.match;
  const event = mediaMatchedEvent({
    entities: { user: input.user },
    matches: [match],
    signals: { pdq },
    source: input.source,
    time: input.time,
    media: { evidenceId: record.id, kind: 'image' },
  });
  return {
    ...event,
    id: input.id,
    data: { ...event.data, ...(input.imminent === true ? { imminent_harm: true } : {}) },
  };
}

/** Synthetic (F16): a 19-year-old pays a payee first seen today three times by gift card within hours. */
function victimBurst(now: Date): PaymentRecord[] {
  const birth = new Date(now.getTime() - 19 * 365.25 * 86_400_000).toISOString().slice(0, 10);
  return [0, 1, 2].map((index) => ({
    id: `demo-console-burst-${index}`,
    time: new Date(now.getTime() - (6 - index * 2) * 3_600_000).toISOString(),
    payer: {
      account: 'demo-acct-sender',
      name: 'Demo Example Sender',
      country: 'US',
      type: 'individual',
      birthDate: birth,
    },
    payee: { account: 'demo-acct-receiver', name: 'Demo Example Receiver', country: 'US', type: 'individual' },
    amount: 60 + index * 50,
    currency: 'USD',
    channel: 'gift_card',
  }));
}
