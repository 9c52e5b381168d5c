import { z } from 'zod';
import { EngineError, isEngineError } from '../core/index.js';
import type { CurrencyRates } from './currency-rates.js';
import { type CybertipConfig, parseCybertipConfig } from './cybertipline/cybertip-config.js';
import { camelCaseFields, camelToSnake, type DataKeyedFields, filerPath } from './filer-keys.js';
import { type FincenConfig, parseFincenConfig } from './fincen/fincen-config.js';
import { type GoamlConfig, parseGoamlConfig } from './goaml/goaml-config.js';
import type { CounterpartyAccount, ReportingEntity, SubjectPerson } from './report-case.js';
import {
  counterpartyAccountSchema,
  countrySchema,
  currencySchema,
  fincenFilerSchema,
  goamlReportingEntitySchema,
  isCalendarDate,
  subjectPersonSchema,
} from './report-case-schema.js';

/**
 * What the filer knows of a counterparty (a party of the subject's payments who is not a
 * subject) and a payment may lack: its name, country, kind, birth date, and its account at its
 * own institution (goAML then reports that side as an account).
 */
export interface CounterpartyFacts {
  readonly name?: string;
  readonly country?: string;
  readonly type?: 'individual' | 'organisation';
  readonly birthDate?: string;
  readonly account?: CounterpartyAccount;
}

/** Which of the subject's payments a report carries besides those the case's typologies rest on. */
export interface TransactionSelection {
  /** Also the subject's other payments in the period (default false: only the alerting ones). */
  readonly includeOtherSubjectPayments: boolean;
  /** First day of that period (`YYYY-MM-DD`); default: the first alerting payment minus `lookbackDays`. */
  readonly from?: string;
  /** Last day of that period; default: the case's last timeline entry. */
  readonly to?: string;
  /** Days before the first alerting payment the default period starts (default 90, the longest common typology window). */
  readonly lookbackDays: number;
}

/**
 * The filer's side of a report (what a case does not hold), from the filer YAML (`--config` of
 * `prevail cases report`, the policy's `reports.yaml` for the console), in the builders' types.
 * Every field is optional at parse time: what a format needs for a case is named by the
 * readiness check (`reportReadiness`), per case, before anything is built.
 */
export interface ReportFiler {
  readonly filingDate?: string;
  readonly narrative?: string;
  readonly actionTaken?: string;
  readonly reportingEntity: ReportingEntity;
  /** KYC per payment account id (the engine keeps no identity data). */
  readonly subjects: Readonly<Record<string, SubjectPerson>>;
  /** Facts per counterparty account id that the payments lack. */
  readonly counterparties: Readonly<Record<string, CounterpartyFacts>>;
  readonly currency: { readonly rates: CurrencyRates };
  readonly transactions: TransactionSelection;
  readonly goaml?: GoamlConfig;
  readonly fincen?: FincenConfig;
  /** The NCMEC CyberTipline reporter's details (`docs/cybertipline.md`). */
  readonly cybertipline?: CybertipConfig;
}

const isoDate = z.string().refine(isCalendarDate, 'expected a calendar date YYYY-MM-DD');
const text = z.string().refine((value) => value.trim() !== '', 'must not be empty');

const counterpartySchema = z.strictObject({
  name: text.optional(),
  country: countrySchema.optional(),
  type: z.enum(['individual', 'organisation']).optional(),
  birthDate: isoDate.optional(),
  account: counterpartyAccountSchema.optional(),
});

const currencySectionSchema = z.strictObject({
  rates: z.record(currencySchema, z.record(currencySchema, z.number().positive().finite())).default({}),
});

const transactionsSchema = z
  .strictObject({
    includeOtherSubjectPayments: z.boolean().default(false),
    from: isoDate.optional(),
    to: isoDate.optional(),
    lookbackDays: z.number().int().min(0).max(400).default(90),
  })
  .refine((value) => value.from === undefined || value.to === undefined || value.from <= value.to, {
    message: 'from is after to',
  });

const reportingEntitySchema = z.strictObject({
  goaml: goamlReportingEntitySchema.optional(),
  fincen: fincenFilerSchema.optional(),
});

/** The fields of the goAML section whose keys are codes or ids, kept as written. */
const goamlDataKeyed: DataKeyedFields = new Set([
  'transmode_codes',
  'from_funds_codes',
  'to_funds_codes',
  'typology_indicators',
  'identifier_type_codes',
]);

/**
 * One top-level section of the filer YAML: how it is read. A new format adds its section here
 * (e.g. `cybertipline`), and `checkReportFiler` reads it like the others.
 */
interface FilerSection {
  /** Keys inside the section that are data (kept as written, values not converted). */
  readonly dataKeyed?: DataKeyedFields;
  /** Whether the section's own keys are data (account ids: `subjects`, `counterparties`). */
  readonly keyedByAccount?: boolean;
  /** The section's parser reads the snake_case keys itself (no camelCase conversion first). */
  readonly snakeCaseParser?: boolean;
  /** Validates the camelCase value; returns the parsed value or problems (paths relative to the section). */
  readonly parse: (value: unknown) => { readonly value?: unknown; readonly problems: readonly string[] };
}

function zodSection(schema: z.ZodType, section: string): FilerSection['parse'] {
  return (value) => {
    const parsed = schema.safeParse(value);
    return parsed.success
      ? { value: parsed.data, problems: [] }
      : { problems: parsed.error.issues.map((issue) => `${filerPath(section, issue.path)}: ${issue.message}`) };
  };
}

/** A builder's config parser (it throws `CONFIG_INVALID` naming camelCase paths), its problems with snake_case paths. */
function configSection(parse: (value: unknown) => unknown, section: string): FilerSection['parse'] {
  return (value) => {
    try {
      return { value: parse(value), problems: [] };
    } catch (error) {
      if (!isEngineError(error)) throw error;
      const listed = error.message.slice(error.message.indexOf(': ') + 2);
      return {
        problems: listed.split('; ').map((problem) => {
          const colon = problem.indexOf(': ');
          const path = colon === -1 ? '' : problem.slice(0, colon);
          const message = colon === -1 ? problem : problem.slice(colon + 2);
          const at =
            path === '(config)' || path === '' ? section : `${section}.${path.split('.').map(camelToSnake).join('.')}`;
          return `${at}: ${message.replace(/\b[a-z]+(?:[A-Z][a-z0-9]+)+\b/g, camelToSnake)}`;
        }),
      };
    }
  };
}

const sections: Readonly<Record<string, FilerSection>> = {
  reporting_entity: { parse: zodSection(reportingEntitySchema, 'reporting_entity') },
  subjects: { keyedByAccount: true, parse: zodSection(z.record(z.string().min(1), subjectPersonSchema), 'subjects') },
  counterparties: {
    keyedByAccount: true,
    parse: zodSection(z.record(z.string().min(1), counterpartySchema), 'counterparties'),
  },
  currency: { dataKeyed: new Set(['rates']), parse: zodSection(currencySectionSchema, 'currency') },
  transactions: { parse: zodSection(transactionsSchema, 'transactions') },
  goaml: { dataKeyed: goamlDataKeyed, parse: configSection(parseGoamlConfig, 'goaml') },
  fincen: { parse: configSection(parseFincenConfig, 'fincen') },
  cybertipline: {
    snakeCaseParser: true,
    parse: (value) => {
      try {
        return { value: parseCybertipConfig(value, 'file'), problems: [] };
      } catch (error) {
        if (!isEngineError(error)) throw error;
        return {
          problems: error.message
            .replace(/^file: cybertipline: /, '')
            .split('; ')
            .map((problem) =>
              problem.startsWith('(section): ') ? `cybertipline: ${problem.slice(11)}` : `cybertipline.${problem}`,
            ),
        };
      }
    },
  },
};

const scalars = {
  filing_date: isoDate,
  narrative: text,
  action_taken: text,
} as const;

/** Converts a section's keys (and, for account-keyed sections, each entry's keys) to camelCase. */
function camelSection(name: string, section: FilerSection, value: unknown, problems: string[]): unknown {
  if (section.keyedByAccount !== true || typeof value !== 'object' || value === null || Array.isArray(value))
    return camelCaseFields(value, name, problems, section.dataKeyed);
  return Object.fromEntries(
    Object.entries(value).map(([account, entry]) => [
      account,
      camelCaseFields(entry, `${name}.${account}`, problems, section.dataKeyed),
    ]),
  );
}

/**
 * Reads a filer file (already parsed from YAML) into a `ReportFiler`, collecting every problem:
 * unknown sections, camelCase keys (the file is snake_case throughout), and each section's
 * invalid fields, named by their path in the file (`subjects.acct-1.birth_date: …`).
 */
export function readReportFiler(value: unknown): { readonly filer?: ReportFiler; readonly problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problems: ['(file): expected a mapping of sections (reporting_entity, subjects, goaml, …)'] };
  const read: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(scalars, key)) {
      const parsed = scalars[key as keyof typeof scalars].safeParse(item);
      if (parsed.success) read[key] = parsed.data;
      else problems.push(`${key}: ${parsed.error.issues.map((issue) => issue.message).join(', ')}`);
      continue;
    }
    const section = sections[key];
    if (section === undefined) {
      problems.push(
        `${key}: unknown section (expected ${[...Object.keys(scalars), ...Object.keys(sections)].join(', ')})`,
      );
      continue;
    }
    if (item === null || item === undefined) continue;
    const keyProblems: string[] = [];
    const camel = section.snakeCaseParser === true ? item : camelSection(key, section, item, keyProblems);
    problems.push(...keyProblems);
    if (keyProblems.length > 0) continue;
    const parsed = section.parse(camel);
    problems.push(...parsed.problems);
    if (parsed.problems.length === 0) read[key] = parsed.value;
  }
  if (problems.length > 0) return { problems };
  const currency = (read.currency as ReportFiler['currency'] | undefined) ?? { rates: {} };
  const filer: ReportFiler = {
    ...(read.filing_date === undefined ? {} : { filingDate: read.filing_date as string }),
    ...(read.narrative === undefined ? {} : { narrative: read.narrative as string }),
    ...(read.action_taken === undefined ? {} : { actionTaken: read.action_taken as string }),
    reportingEntity: (read.reporting_entity as ReportingEntity | undefined) ?? {},
    subjects: (read.subjects as ReportFiler['subjects'] | undefined) ?? {},
    counterparties: (read.counterparties as ReportFiler['counterparties'] | undefined) ?? {},
    currency,
    transactions: (read.transactions as TransactionSelection | undefined) ?? {
      includeOtherSubjectPayments: false,
      lookbackDays: 90,
    },
    ...(read.goaml === undefined ? {} : { goaml: read.goaml as GoamlConfig }),
    ...(read.fincen === undefined ? {} : { fincen: read.fincen as FincenConfig }),
    ...(read.cybertipline === undefined ? {} : { cybertipline: read.cybertipline as CybertipConfig }),
  };
  return { filer, problems: [] };
}

/** Every problem of a filer file (empty when it is valid): what `prevail reports check-config` prints. */
export function checkReportFiler(value: unknown): string[] {
  return readReportFiler(value).problems;
}

/**
 * Parses a filer file (already read from YAML); `source` names it in the message.
 *
 * @throws EngineError `CONFIG_INVALID` listing every problem.
 */
export function parseReportFiler(value: unknown, source: string): ReportFiler {
  const { filer, problems } = readReportFiler(value);
  if (filer === undefined) throw new EngineError('CONFIG_INVALID', `${source}: ${problems.join('; ')}`);
  return filer;
}
