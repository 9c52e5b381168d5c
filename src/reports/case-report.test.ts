import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ocseTypology } from '../payments/index.js';
import { type CaseFile, reportCaseFromCase } from './case-report.js';

function caseWith(typologies: readonly string[]): CaseFile {
  return {
    id: 7,
    subject: 'payment_account:acct-1',
    timeline: typologies.map((typology, index) => ({
      kind: 'rule_hit',
      ref: `typology:${typology}:event-${index}`,
      time: `2026-11-0${index + 1}T10:00:00Z`,
      summary: `typology ${typology} reached 60`,
      detail: { contributions: [{ reason: `${typology} reason` }] },
    })),
  };
}

const settings = { reportingEntity: {}, subjects: {}, filingDate: '2026-11-30', narrative: 'Synthetic test case.' };

test('the regime flags follow the OCSE pack’s own sextortion typology names', () => {
  const sextortionOnly = reportCaseFromCase(
    caseWith([ocseTypology.sextortionVictim, ocseTypology.sextortionMule]),
    settings,
  );
  assert.deepEqual(sextortionOnly.regimes, { ocse: false, sextortion: true, humanTrafficking: false });
  const both = reportCaseFromCase(caseWith([ocseTypology.sextortionMule, 'ocse_offender']), settings);
  assert.deepEqual(both.regimes, { ocse: true, sextortion: true, humanTrafficking: false });
  assert.deepEqual(
    both.typologies.map((typology) => typology.id),
    [ocseTypology.sextortionMule, 'ocse_offender'],
  );
});
