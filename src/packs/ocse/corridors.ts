/**
 * The high-risk OCSE receiving countries: where public FIU guidance repeatedly names payments for
 * live-streamed child sexual abuse as going. Data, not logic: every entry cites its sources (keys
 * of the source table in `docs/packs/ocse-payments.md`), and an operator replaces or extends the
 * list in `packs.yaml` (`ocse_payments.settings.corridors`) without a release.
 *
 * These corridors also carry very large legitimate family remittances: membership is one input
 * to F01 and never a reason on its own.
 *
 * Version 1 (2026-11): FINTRAC-20 top-10 receiving jurisdictions, FINTRAC-25 destinations and
 * weaker-protection list, AMLC (Philippines) receiving-side studies, AUSTRAC-CS (South-East Asia).
 */
export interface CorridorEntry {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly sources: readonly string[];
}

export const corridorListVersion = 1;

export const defaultCorridors: readonly CorridorEntry[] = [
  { country: 'PH', sources: ['FINTRAC-20', 'FINTRAC-25', 'AMLC', 'AUSTRAC-CS', 'IJM-SoH'] },
  { country: 'TH', sources: ['FINTRAC-20', 'FINTRAC-25'] },
  { country: 'CO', sources: ['FINTRAC-20', 'FINTRAC-25'] },
  { country: 'DO', sources: ['FINTRAC-20', 'FINTRAC-25'] },
  { country: 'MX', sources: ['FINTRAC-25'] },
  { country: 'GH', sources: ['FINTRAC-20'] },
  { country: 'UA', sources: ['FINTRAC-20'] },
  { country: 'RO', sources: ['FINTRAC-20'] },
  { country: 'JM', sources: ['FINTRAC-20'] },
  { country: 'RU', sources: ['FINTRAC-20'] },
  { country: 'IN', sources: ['FINTRAC-25'] },
  { country: 'ZA', sources: ['FINTRAC-25'] },
  { country: 'CU', sources: ['FINTRAC-25'] },
  { country: 'KH', sources: ['AUSTRAC-CS'] },
  { country: 'VN', sources: ['AUSTRAC-CS'] },
  { country: 'ID', sources: ['AUSTRAC-CS'] },
];
