import { EngineError } from '../../core/index.js';
import type { PaymentDraft, PaymentDraftField } from './payment-fields.js';

/**
 * The flat field names of CSV columns and JSON Lines objects, snake_case, each the name of one
 * `PaymentRecord` field. These are file-format keys: never rename one.
 */
export const paymentColumns = [
  'id',
  'time',
  'payer_account',
  'payer_name',
  'payer_country',
  'payer_type',
  'payer_birth_date',
  'payer_birth_country',
  'payee_account',
  'payee_name',
  'payee_country',
  'payee_type',
  'payee_birth_date',
  'payee_birth_country',
  'amount',
  'currency',
  'local_hour',
  'remittance_info',
  'purpose',
  'channel',
  'declared_relationship',
  'merchant_category',
  'funding_instrument',
  'payee_document',
  'crypto_risk_tags',
  'category_purpose',
  'payer_agent_bic',
  'payee_agent_bic',
  'local_instrument',
  'service_level',
  'instruction_codes',
] as const;

/** One flat field name (a CSV column, a JSON Lines key). */
export type PaymentColumn = (typeof paymentColumns)[number];

/** The columns every CSV file must have (under their own name or a mapped one). */
export const requiredPaymentColumns: readonly PaymentColumn[] = [
  'id',
  'time',
  'payer_account',
  'payee_account',
  'amount',
  'currency',
];

/**
 * Renames columns: `{ payer_account: 'Sender IBAN' }` reads `payer_account` from the file's
 * `Sender IBAN` column. Fields not named keep their own name.
 */
export type PaymentColumnMapping = Readonly<Partial<Record<PaymentColumn, string>>>;

/** The draft field each flat name fills. */
export const draftFieldOfColumn: Readonly<Record<PaymentColumn, PaymentDraftField>> = {
  id: 'id',
  time: 'time',
  payer_account: 'payerAccount',
  payer_name: 'payerName',
  payer_country: 'payerCountry',
  payer_type: 'payerType',
  payer_birth_date: 'payerBirthDate',
  payer_birth_country: 'payerBirthCountry',
  payee_account: 'payeeAccount',
  payee_name: 'payeeName',
  payee_country: 'payeeCountry',
  payee_type: 'payeeType',
  payee_birth_date: 'payeeBirthDate',
  payee_birth_country: 'payeeBirthCountry',
  amount: 'amount',
  currency: 'currency',
  local_hour: 'localHour',
  remittance_info: 'remittanceInfo',
  purpose: 'purpose',
  channel: 'channel',
  declared_relationship: 'declaredRelationship',
  merchant_category: 'merchantCategory',
  funding_instrument: 'fundingInstrument',
  payee_document: 'payeeDocument',
  crypto_risk_tags: 'cryptoRiskTags',
  category_purpose: 'categoryPurpose',
  payer_agent_bic: 'payerAgentBic',
  payee_agent_bic: 'payeeAgentBic',
  local_instrument: 'localInstrument',
  service_level: 'serviceLevel',
  instruction_codes: 'instructionCodes',
};

/** The flat name of each draft field (the inverse of `draftFieldOfColumn`). */
export const columnOfDraftField = Object.fromEntries(
  paymentColumns.map((column) => [draftFieldOfColumn[column], column]),
) as Readonly<Record<PaymentDraftField, PaymentColumn>>;

const knownColumns: ReadonlySet<string> = new Set(paymentColumns);

/**
 * Checks a mapping: every key must be a known field and every value a non-empty column name,
 * and no two fields may read the same column. A bad mapping is the operator's configuration, so
 * it is `CONFIG_INVALID`, not a problem of the file.
 */
export function checkColumnMapping(mapping: PaymentColumnMapping): void {
  const used = new Map<string, string>();
  for (const [field, column] of Object.entries(mapping)) {
    if (!knownColumns.has(field)) {
      throw new EngineError('CONFIG_INVALID', `CSV mapping: unknown field ${JSON.stringify(field)}`);
    }
    if (typeof column !== 'string' || column.trim() === '') {
      throw new EngineError('CONFIG_INVALID', `CSV mapping: ${field} must name a column`);
    }
    const other = used.get(column.trim());
    if (other !== undefined) {
      throw new EngineError('CONFIG_INVALID', `CSV mapping: ${other} and ${field} both read column ${column}`);
    }
    used.set(column.trim(), field);
  }
}

/** Where each field sits in a CSV row, and the column names to cite in errors. */
export interface CsvLayout {
  /** Pairs of (draft field, column index). */
  readonly fields: readonly (readonly [PaymentDraftField, number])[];
  /** The file's column name for each draft field present. */
  readonly columnName: Readonly<Partial<Record<PaymentDraftField, string>>>;
  readonly width: number;
}

/**
 * Resolves a CSV header against the mapping. Returns why not when a required column is absent,
 * a mapped column is absent, or a column name repeats; columns it does not know are ignored
 * (files often carry more than payments need).
 */
export function layoutFromHeader(header: readonly string[], mapping: PaymentColumnMapping): CsvLayout | string {
  const indexOf = new Map<string, number>();
  for (const [index, raw] of header.entries()) {
    const name = raw.trim();
    if (name === '') continue;
    if (indexOf.has(name)) return `the header repeats column ${JSON.stringify(name)}`;
    indexOf.set(name, index);
  }
  const fields: [PaymentDraftField, number][] = [];
  const columnName: Partial<Record<PaymentDraftField, string>> = {};
  const missing: string[] = [];
  for (const column of paymentColumns) {
    const mapped = mapping[column]?.trim();
    const name = mapped ?? column;
    const index = indexOf.get(name);
    if (index === undefined) {
      if (mapped !== undefined || requiredPaymentColumns.includes(column)) {
        missing.push(mapped === undefined ? column : `${JSON.stringify(mapped)} (${column})`);
      }
      continue;
    }
    const field = draftFieldOfColumn[column];
    fields.push([field, index]);
    columnName[field] = name;
  }
  if (missing.length > 0) return `the header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  return { fields, columnName, width: header.length };
}

/** A draft from a flat object keyed by `paymentColumns` names (JSON Lines); other keys are ignored. */
export function draftFromFlatObject(object: Readonly<Record<string, unknown>>): PaymentDraft {
  const draft: PaymentDraft = {};
  for (const column of paymentColumns) {
    const value = object[column];
    if (value !== undefined) draft[draftFieldOfColumn[column]] = value;
  }
  return draft;
}
