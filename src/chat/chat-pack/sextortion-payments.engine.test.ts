import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CaseBackend, caseBackends } from '../../../test/support/case-backends.js';
import { account, at, message, openChatEngine } from '../../../test/support/chat-pack-rig.js';
import { createOcsePaymentsPack, paymentRelationshipId } from '../../payments/index.js';
import { buildCybertipReport, cybertipReportFromCase, parseCybertipConfig } from '../../reports/index.js';
import { createChatPack } from './index.js';
import { testAnalyser } from './test-analyser.js';

/**
 * The end-to-end case: a plainly fake sextortion script (a new contact threatens to show
 * "everyone at your school", asks for gift cards to a named handle, sets a one-hour deadline),
 * then the victim's gift-card payments to that handle, four other young payers paying it, and
 * the handle's holder passing the money abroad. One case, the chat's, holds the chat indicators,
 * the victim's F16 hits and the mule's F17 hit: the payments join it through the handle the chat
 * named (the handle is the payee account `p2p_handle:$fake-mule-7`).
 */
const offender = 'fake-offender-7';
const victim = 'fake-teen-7';
const handle = 'p2p_handle:$fake-mule-7';
const victimAccount = 'fake-teen-7-card';

const rulesOn = {
  chat_sextortion_fast_path: { mode: 'active' as const },
  chat_sextortion_threat_new_contact: { mode: 'active' as const },
  chat_single_indicator_label: { mode: 'active' as const },
  sextortion_f16_victim_payment_burst: { mode: 'active' as const },
  sextortion_f17_money_mule: { mode: 'active' as const },
};

function payment(id: string, minutes: number, payer: string, payee: string, extra: Record<string, unknown>) {
  return {
    id,
    type: 'payment.sent',
    time: at(minutes),
    // As the payments readers name them (`toPaymentEvent`): the pair too, for F16's "new payee".
    entities: {
      payment_account: payer,
      payee_account: payee,
      payment_relationship: paymentRelationshipId(payer, payee),
    },
    data: { currency: 'USD', payer_country: 'US', payer_type: 'individual', payee_type: 'individual', ...extra },
  };
}

function scenario() {
  const young = { payer_birth_date: '2010-05-01', payee_country: 'US', channel: 'gift_card' };
  return [
    account(victim, -60 * 24 * 300, { age_years: 15, age_source: 'assured' }),
    message('sx-1', offender, victim, 0, { text: 'hi there' }),
    message('sx-2', offender, victim, 5, { text: 'I will show everyone at your school' }),
    message('sx-3', offender, victim, 9, { text: 'Buy gift cards and send the codes to $fake-mule-7' }),
    message('sx-4', offender, victim, 10, { text: 'You have one hour' }),
    payment('pay-1', 30, victimAccount, handle, { ...young, amount: 50 }),
    payment('pay-2', 40, victimAccount, handle, { ...young, amount: 100 }),
    payment('pay-3', 50, victimAccount, handle, { ...young, amount: 150 }),
    ...[1, 2, 3, 4].map((index) =>
      payment(`other-${index}`, 60 + index, `fake-teen-payer-${index}`, handle, { ...young, amount: 100 }),
    ),
    payment('mule-out', 120, handle, 'fake-abroad-1', {
      payee_country: 'NG',
      payer_birth_date: '1995-01-01',
      channel: 'mto_online',
      amount: 700,
    }),
  ];
}

describe('a sextortion script then gift-card payments to the named handle: one case', async () => {
  const backends = await caseBackends();
  after(async () => {
    for (const backend of backends) await backend.cleanup();
  });
  for (const backend of backends as CaseBackend[]) {
    describe(backend.name, { skip: backend.skip }, () => {
      let place: string;
      before(async () => {
        place = await backend.place();
      });

      test('the chat case holds the indicators, the F16 hits and the F17 hit', async () => {
        const storage = await backend.open(place);
        const rig = await openChatEngine(
          storage,
          [createChatPack({ analyser: testAnalyser }), createOcsePaymentsPack()],
          rulesOn,
          '/nonexistent-prevail-policy',
        );
        const results = await rig.engine.ingest(scenario(), { wait: true });
        assert.ok(results.every((result) => result.status === 'accepted'));
        const cases = await storage.engine.cases.list({});
        const chatCase = cases.find((item) => item.subject === `user:${offender}`);
        assert.ok(chatCase, `a case on the sender; cases: ${cases.map((item) => item.subject).join(', ')}`);
        assert.equal(chatCase.typology, 'chat_sextortion');
        assert.equal(chatCase.priority, 'urgent');
        assert.equal(chatCase.imminent, true);
        const timeline = await storage.engine.cases.timeline(chatCase.id);
        const refs = new Set(timeline.map((entry) => entry.ref));
        // The threat before the case is a contribution its typology entry lists (a report reads
        // the events its typologies rest on); from the case on, each indicator is an entry.
        const opening = timeline.find((entry) => entry.ref.startsWith('typology:chat_sextortion:'));
        const detail = (opening?.detail ?? {}) as { contributions?: { eventId: string }[] };
        const contributions = detail.contributions ?? [];
        assert.ok(
          contributions.some((item) => item.eventId === 'sx-2#ind0'),
          'the threat that started it',
        );
        for (const indicator of ['sx-3#ind0', 'sx-4#ind0', 'sx-3#handle0'])
          assert.ok(refs.has(`event:${indicator}`), `the case holds ${indicator}`);
        for (const id of ['pay-1', 'pay-2', 'pay-3', 'mule-out'])
          assert.ok(refs.has(`event:${id}`), `the case holds the payment ${id}`);
        assert.ok(refs.has('hit:pay-3:sextortion_f16_victim_payment_burst'), 'the F16 hit is in the case');
        assert.ok(refs.has('hit:mule-out:sextortion_f17_money_mule'), "the mule's F17 hit is in the case");
        assert.ok(
          refs.has('hit:sx-4#ind0:chat_sextortion_fast_path') || refs.has('hit:sx-3#ind0:chat_sextortion_fast_path'),
        );
        // Every chat indicator of the script is in this one case and in no other.
        for (const other of cases.filter((item) => item.id !== chatCase.id)) {
          const entries = await storage.engine.cases.timeline(other.id);
          assert.ok(
            entries.every((entry) => !entry.ref.includes('#ind')),
            `case ${other.subject} holds no chat indicator`,
          );
        }
        // Its CyberTipline report builds: a text-only online-enticement report of a chat, annotated
        // sextortion, naming the sender, with no message text.
        const filer = parseCybertipConfig(
          {
            platform: 'Example Chat',
            esp_service: 'Example Chat messages',
            reporting_person: { first_name: 'Report', last_name: 'Filer', email: 'filer@example.org' },
          },
          'test',
        );
        const assembled = cybertipReportFromCase({ id: chatCase.id, subject: chatCase.subject, timeline }, filer, {
          now: new Date('2026-12-01T12:00:00Z'),
          decision: { decidedBy: 'person:reviewer', decidedAt: '2026-11-30T09:00:00Z' },
          files: [],
        });
        assert.equal(assembled.incidentType, 'Online Enticement of Children for Sexual Acts');
        assert.ok(assembled.report.incidentSummary.reportAnnotations?.includes('sextortion'));
        const xml = buildCybertipReport(assembled.report, { now: new Date('2026-12-01T12:00:00Z') });
        assert.match(xml, /<chatImIncident>/);
        assert.match(xml, /<sextortion\/>|<sextortion>/);
        assert.ok(!xml.includes('Buy gift cards') && !xml.includes('one hour'), 'no message text in the report');
        // The OCSE pack's protective T5 case for the victim's payment account opens as it always does.
        assert.deepEqual(cases.map((item) => item.subject).sort(), [
          `payment_account:${victimAccount}`,
          `user:${offender}`,
        ]);
        // A restart processes nothing again and changes nothing.
        const before = timeline.length;
        await rig.close();
        const again = await openChatEngine(
          await backend.open(place),
          [createChatPack({ analyser: testAnalyser }), createOcsePaymentsPack()],
          rulesOn,
          '/nonexistent-prevail-policy',
        );
        await again.engine.ingest(scenario(), { wait: true });
        assert.equal((await again.storage.engine.cases.timeline(chatCase.id)).length, before);
        assert.equal((await again.storage.engine.cases.list({})).length, 2);
        await again.close();
      });
    });
  }
});
