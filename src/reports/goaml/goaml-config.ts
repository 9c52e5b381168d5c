import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';
import { paymentChannels } from '../../payments/index.js';
import { identityDocumentTypes } from '../report-case.js';

/** The configuration version this code reads. Bump it (and migrate) when a field changes meaning. */
export const goamlConfigVersion = 1;

/** A code from an FIU's lookup table: no whitespace, 1–50 characters. `-` is the generic XSD's placeholder. */
const code = z.string().regex(/^\S{1,50}$/, 'expected an FIU code (1 to 50 characters, no spaces)');
const codes = z.array(code).min(1);
const channelCodes = z.partialRecord(z.enum(paymentChannels), code);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const goamlConfigSchema = z
  .strictObject({
    /** Always {@link goamlConfigVersion}. */
    version: z.literal(goamlConfigVersion),
    /** A label for the FIU and its code-list version, e.g. `PH-AMLC 2025-01`; not written to the report. */
    fiu: z.string().min(1),
    /** `E` electronic (default) or `M` manual. */
    submissionCode: z.enum(['E', 'M']).default('E'),
    /** `report_code`: `STR` (default), `SAR`, or the FIU's own code. */
    reportCode: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'expected a report code such as STR')
      .default('STR'),
    /**
     * `transactions` (one `transaction` per payment) or `activity` (`activity/report_parties`,
     * no transactions). Default: `activity` for report code `SAR`, otherwise `transactions`.
     */
    reportForm: z.enum(['transactions', 'activity']).optional(),
    /** Which side of a payment is the reporting entity's client: `sender` (a remitter) or `receiver` (the paying bank). */
    myClientSide: z.enum(['sender', 'receiver']),
    /** IANA time zone the FIU expects times in (goAML times carry no offset). Default `UTC`. */
    timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Asia/Manila').default('UTC'),
    /** `transmode_code` per payment channel. */
    transmodeCodes: channelCodes.default({}),
    /** `from_funds_code` per payment channel. */
    fromFundsCodes: channelCodes.default({}),
    /** `to_funds_code` per payment channel. */
    toFundsCodes: channelCodes.default({}),
    /** Used for a payment without a channel or with a channel the maps above leave out. */
    unmappedChannelCode: code.default('-'),
    /** `report_indicators` per typology id that alerted. */
    typologyIndicators: z.record(z.string().min(1), codes).default({}),
    /** `report_indicators` per flagged regime. */
    regimeIndicators: z
      .strictObject({ ocse: codes.optional(), sextortion: codes.optional(), humanTrafficking: codes.optional() })
      .default({}),
    /** Indicators when neither map yields any (goAML requires at least one). */
    defaultIndicators: codes.default(['-']),
    /** Key terms this FIU asks for, per flagged regime, written first in `reason`. */
    regimeKeyTerms: z
      .strictObject({
        ocse: z.string().min(1).optional(),
        sextortion: z.string().min(1).optional(),
        humanTrafficking: z.string().min(1).optional(),
      })
      .default({}),
    /** `address_type` for every address. */
    addressTypeCode: code.default('-'),
    /** `tph_contact_type` for every phone. */
    phoneContactTypeCode: code.default('-'),
    /** `tph_communication_type` for every phone. */
    phoneCommunicationTypeCode: code.default('-'),
    /** `identification/type` per identity document type. */
    identifierTypeCodes: z.partialRecord(z.enum(identityDocumentTypes), code).default({}),
    /** `identification/type` for a document type the map leaves out. */
    unmappedIdentifierTypeCode: code.default('-'),
    /** `transaction_location` of every transaction (may be empty). */
    transactionLocation: z.string().max(255).default(''),
    /**
     * Written where goAML requires a value the case does not have and inventing one would not
     * mislead: a counterparty's missing first or last name, an own client's undeclared occupation.
     */
    unknownText: z.string().min(1).max(100).default('UNKNOWN'),
    /** Fraction digits of amounts (`amount_local`, `foreign_amount`). */
    amountDecimals: z.number().int().min(0).max(4).default(2),
    /** `significance` (0–10) of subjects in the activity form. */
    subjectSignificance: z.number().int().min(0).max(10).default(10),
    /** `significance` (0–10) of counterparties in the activity form. */
    counterpartySignificance: z.number().int().min(0).max(10).default(5),
  })
  .transform((config) => ({
    ...config,
    reportForm: config.reportForm ?? (config.reportCode === 'SAR' ? ('activity' as const) : ('transactions' as const)),
  }));

/**
 * Per-FIU goAML settings, versioned: report code and form, which side is "my client", the FIU's
 * code lists mapped from Prevail's channels, typologies and regimes, and placeholders. Each FIU
 * customises goAML's code lists, so none of these codes are built in; `-` (the generic XSD's
 * placeholder) is the default everywhere and a real FIU schema will reject it.
 *
 * @example
 * parseGoamlConfig({ version: 1, fiu: 'PH-AMLC', myClientSide: 'receiver', timeZone: 'Asia/Manila',
 *   transmodeCodes: { mto_online: 'K' }, typologyIndicators: { ocse_payments: ['OCSE01'] } });
 */
export type GoamlConfig = z.output<typeof goamlConfigSchema>;

/** A goAML configuration as written (defaults not yet applied). */
export type GoamlConfigInput = z.input<typeof goamlConfigSchema>;

/**
 * Validates a goAML configuration (from YAML, JSON or code) and applies defaults.
 *
 * @throws EngineError `CONFIG_INVALID` naming every bad field.
 */
export function parseGoamlConfig(input: unknown): GoamlConfig {
  const parsed = goamlConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, '(config)');
    throw new EngineError('CONFIG_INVALID', `goAML report config is invalid: ${problems}`);
  }
  return parsed.data;
}
