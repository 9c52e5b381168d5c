import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testFincenConfig } from '../../../test/support/report-cases.js';
import { isEngineError } from '../../core/index.js';
import { fincenConfigVersion, parseFincenConfig } from './fincen-config.js';

test('accepts a transmitter and filer classification', () => {
  const config = parseFincenConfig(testFincenConfig);
  assert.equal(config.version, fincenConfigVersion);
  assert.equal(config.filer.primaryRegulator, 'irs');
  assert.equal(config.locationRole, 'selling');
});

test('refuses bad configs naming each field', () => {
  const transmitter = testFincenConfig.transmitter;
  const cases: [unknown, string][] = [
    [{ ...testFincenConfig, version: 2 }, 'version'],
    [{ ...testFincenConfig, transmitter: { ...transmitter, tcc: 'SHORT' } }, 'transmitter.tcc'],
    [
      { ...testFincenConfig, transmitter: { ...transmitter, address: { ...transmitter.address, postalCode: 'ABC' } } },
      'transmitter.address.postalCode',
    ],
    [
      { ...testFincenConfig, filer: { primaryRegulator: 'nobody', institutionType: 'money_services_business' } },
      'filer.primaryRegulator',
    ],
    [
      { ...testFincenConfig, filer: { primaryRegulator: 'irs', institutionType: 'other' } },
      'filer.otherInstitutionTypeText',
    ],
    [{ ...testFincenConfig, locationRole: 'everywhere' }, 'locationRole'],
  ];
  for (const [input, field] of cases) {
    assert.throws(
      () => parseFincenConfig(input),
      (error: unknown) =>
        isEngineError(error) &&
        error.code === 'CONFIG_INVALID' &&
        error.message.startsWith('FinCEN report config is invalid: ') &&
        error.message.includes(field),
      field,
    );
  }
});
