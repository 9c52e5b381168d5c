import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../../core/index.js';
import { parseCybertipConfig } from './cybertip-config.js';

const minimal = {
  platform: 'Example Live',
  reporting_person: { first_name: 'Report', last_name: 'Filer', email: 'filer@example.org' },
};

test('parses the filer section into the report’s reporter shape (camelCase, business email and phone)', () => {
  const config = parseCybertipConfig(
    {
      ...minimal,
      esp_service: 'Example Live streams',
      reporting_person: { ...minimal.reporting_person, phone: '+1 (555) 0100' },
      contact_person: { first_name: 'Legal', last_name: 'Contact', email: 'legal@example.org' },
      company_template: 'Example Live Ltd. Serve legal process at legal@example.org.',
      terms_of_service: 'Section 4 forbids it.',
      legal_url: 'https://example.org/legal',
    },
    'filer.yaml',
  );
  assert.deepEqual(config, {
    platform: 'Example Live',
    espService: 'Example Live streams',
    reportingPerson: {
      firstName: 'Report',
      lastName: 'Filer',
      emails: [{ address: 'filer@example.org', type: 'Business' }],
      phones: [{ number: '+15550100', type: 'Business' }],
    },
    contactPerson: {
      firstName: 'Legal',
      lastName: 'Contact',
      emails: [{ address: 'legal@example.org', type: 'Business' }],
    },
    companyTemplate: 'Example Live Ltd. Serve legal process at legal@example.org.',
    termsOfService: 'Section 4 forbids it.',
    legalUrl: 'https://example.org/legal',
  });
  assert.deepEqual(Object.keys(parseCybertipConfig(minimal, 'filer.yaml')), ['platform', 'reportingPerson']);
});

test('refuses a bad section naming the file and every field', () => {
  assert.throws(
    () =>
      parseCybertipConfig(
        {
          reporting_person: { first_name: 'No', last_name: 'Email' },
          contact_person: { first_name: 'A', last_name: 'B', email: 'not-an-email' },
          legal_url: 'https://example.org/a b',
          terms_of_service: 'x'.repeat(3001),
          reportingPerson: {},
        },
        'reports.yaml',
      ),
    (error: unknown) => {
      assert.ok(isEngineError(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.ok(error.message.startsWith('reports.yaml: cybertipline: '), error.message);
      for (const field of [
        'platform',
        'reporting_person.email',
        'contact_person.email',
        'legal_url',
        'terms_of_service',
        'reportingPerson',
      ])
        assert.ok(error.message.includes(field), `${error.message} lacks ${field}`);
      return true;
    },
  );
  assert.throws(
    () => parseCybertipConfig(null, 'x.yaml'),
    (error: unknown) => isEngineError(error) && error.code === 'CONFIG_INVALID' && error.message.includes('(section)'),
  );
});
