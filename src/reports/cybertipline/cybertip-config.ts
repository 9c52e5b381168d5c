import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';
import { cybertipText, cybertipUrl } from './cybertip-schema.js';

const contact = z.strictObject({
  first_name: cybertipText(255),
  last_name: cybertipText(255),
  email: z.email('expected an email address').max(254),
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 ()-]{2,29}$/, 'expected a phone number such as +1 555 0100')
    .optional(),
});

const cybertipConfigSchema = z
  .strictObject({
    /** The platform's name as NCMEC should read it (`incidentSummary/platform`). */
    platform: cybertipText(255),
    /** The service the reported account belongs to (`personOrUserReported/espService`). */
    esp_service: cybertipText(255).optional(),
    /** Who files: NCMEC sends its receipt to this email. */
    reporting_person: contact,
    /** Whom law enforcement should contact, when not the reporting person. */
    contact_person: contact.optional(),
    /** Standing text for every report: company details, how to serve legal process, retention. */
    company_template: cybertipText().optional(),
    terms_of_service: cybertipText().optional(),
    legal_url: cybertipUrl.optional(),
  })
  .transform((config) => ({
    platform: config.platform,
    ...(config.esp_service === undefined ? {} : { espService: config.esp_service }),
    reportingPerson: contactOf(config.reporting_person),
    ...(config.contact_person === undefined ? {} : { contactPerson: contactOf(config.contact_person) }),
    ...(config.company_template === undefined ? {} : { companyTemplate: config.company_template }),
    ...(config.terms_of_service === undefined ? {} : { termsOfService: config.terms_of_service }),
    ...(config.legal_url === undefined ? {} : { legalUrl: config.legal_url }),
  }));

/** A contact of the filer's configuration, as the report's `Person` takes it. */
export interface CybertipContact {
  readonly firstName: string;
  readonly lastName: string;
  /** One, of type `Business` (NCMEC sends its receipt to the reporting person's). */
  readonly emails: { address: string; type: 'Business' }[];
  readonly phones?: { number: string; type: 'Business' }[];
}

function contactOf(value: z.output<typeof contact>): CybertipContact {
  return {
    firstName: value.first_name,
    lastName: value.last_name,
    emails: [{ address: value.email, type: 'Business' }],
    ...(value.phone === undefined ? {} : { phones: [{ number: value.phone.replace(/[ ()]/g, ''), type: 'Business' }] }),
  };
}

/** The filer's side of a CyberTipline report, parsed (camelCase, ready for `CybertipReportInput.reporter`). */
export type CybertipConfig = z.output<typeof cybertipConfigSchema>;

/**
 * Parses the `cybertipline:` section of a filer file (already read from YAML; snake_case keys):
 * `platform`, `esp_service`, `reporting_person` {`first_name`, `last_name`, `email`, `phone`},
 * `contact_person` (same keys), `company_template`, `terms_of_service`, `legal_url`. `source`
 * names the file in the message.
 *
 * @throws EngineError `CONFIG_INVALID` listing every problem.
 */
export function parseCybertipConfig(value: unknown, source: string): CybertipConfig {
  const parsed = cybertipConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new EngineError(
      'CONFIG_INVALID',
      `${source}: cybertipline: ${describeIssues(parsed.error.issues, '(section)')}`,
    );
  return parsed.data;
}
