import { z } from 'zod';
import { describeIssueList, EngineError } from '../../core/index.js';
import { institutionTypeCodes, primaryRegulatorCodes } from './fincen-codes.js';

/** The configuration version this code reads. Bump it (and migrate) when a field changes meaning. */
export const fincenConfigVersion = 1;

const text = z.string().refine((value) => value.trim() !== '', 'must not be empty');
const usAddress = z.strictObject({
  street: text,
  city: text,
  state: z.string().regex(/^[A-Z]{2,3}$/, 'expected a state code such as VA'),
  postalCode: z.string().regex(/^\d{5}(-?\d{4})?$/, 'expected a ZIP code such as 22101 or 22101-1234'),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected a country code such as US'),
});

const fincenConfigSchema = z.strictObject({
  /** Always {@link fincenConfigVersion}. */
  version: z.literal(fincenConfigVersion),
  /**
   * Who sends the batch to BSA E-Filing (party 35) and the person to contact about it (37): the
   * filer itself or a service provider. `tcc` is the Transmitter Control Code FinCEN issued
   * (`P…` in production, `T…` for test submissions).
   */
  transmitter: z.strictObject({
    name: text,
    tin: text,
    tcc: z.string().regex(/^[A-Z0-9]{8}$/, 'expected the 8-character Transmitter Control Code'),
    address: usAddress,
    phone: z.string().regex(/^[\d ()./-]{10,20}$/, 'expected a phone number'),
    contactName: text,
  }),
  /** The filing institution's classification (its name, TIN and address come with each case). */
  filer: z.strictObject({
    primaryRegulator: z.enum(Object.keys(primaryRegulatorCodes) as [keyof typeof primaryRegulatorCodes]),
    institutionType: z.enum(Object.keys(institutionTypeCodes) as [keyof typeof institutionTypeCodes]),
    /** Required when `institutionType` is `other`. */
    otherInstitutionTypeText: z.string().min(1).max(50).optional(),
    /** The filer's internal control or file number for its own records (code 29), if any. */
    internalControlNumber: z.string().min(1).max(25).optional(),
  }),
  /**
   * For money services businesses: whether the filer sold the instruments (`selling`), paid them
   * out (`paying`) or both (`selling_and_paying`); written on the activity location (party 34).
   */
  locationRole: z.enum(['selling', 'paying', 'selling_and_paying']).optional(),
});

/**
 * FinCEN SAR settings, versioned: the transmitter (name, TIN, TCC, address, phone, contact) and
 * the filing institution's classification (primary regulator, institution type). The filer's
 * name, TIN, address and contact office come with each case (`reportingEntity.fincen`).
 *
 * @example
 * parseFincenConfig({ version: 1,
 *   transmitter: { name: 'Example Remit Inc', tin: '000000001', tcc: 'TBSATEST', phone: '7035550100',
 *     contactName: 'Test Contact', address: { street: '1 Example Way', city: 'Vienna', state: 'VA',
 *     postalCode: '22180', country: 'US' } },
 *   filer: { primaryRegulator: 'irs', institutionType: 'money_services_business' } });
 */
export type FincenConfig = z.output<typeof fincenConfigSchema>;

/** A FinCEN configuration as written. */
export type FincenConfigInput = z.input<typeof fincenConfigSchema>;

/**
 * Validates a FinCEN configuration.
 *
 * @throws EngineError `CONFIG_INVALID` naming every bad field.
 */
export function parseFincenConfig(input: unknown): FincenConfig {
  const parsed = fincenConfigSchema.safeParse(input);
  const problems = parsed.success
    ? parsed.data.filer.institutionType === 'other' && parsed.data.filer.otherInstitutionTypeText === undefined
      ? ['filer.otherInstitutionTypeText: required when institutionType is other']
      : []
    : describeIssueList(parsed.error.issues, '(config)');
  if (!parsed.success || problems.length > 0) {
    throw new EngineError('CONFIG_INVALID', `FinCEN report config is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}
