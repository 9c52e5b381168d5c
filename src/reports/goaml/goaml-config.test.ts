import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../../core/index.js';
import { goamlConfigVersion, parseGoamlConfig } from './goaml-config.js';

const minimal = { version: 1, fiu: 'TEST-FIU', myClientSide: 'sender' } as const;

test('applies defaults: generic "-" codes, STR in the transactions form, UTC', () => {
  const config = parseGoamlConfig(minimal);
  assert.equal(config.version, goamlConfigVersion);
  assert.equal(config.reportCode, 'STR');
  assert.equal(config.reportForm, 'transactions');
  assert.equal(config.submissionCode, 'E');
  assert.equal(config.timeZone, 'UTC');
  assert.equal(config.unmappedChannelCode, '-');
  assert.deepEqual(config.defaultIndicators, ['-']);
  assert.equal(config.unknownText, 'UNKNOWN');
});

test('report code SAR defaults to the activity form; an explicit form wins', () => {
  assert.equal(parseGoamlConfig({ ...minimal, reportCode: 'SAR' }).reportForm, 'activity');
  assert.equal(
    parseGoamlConfig({ ...minimal, reportCode: 'SAR', reportForm: 'transactions' }).reportForm,
    'transactions',
  );
  assert.equal(parseGoamlConfig({ ...minimal, reportCode: 'STRM' }).reportForm, 'transactions');
});

test('refuses bad configs naming each field', () => {
  const cases: [unknown, string][] = [
    [{ ...minimal, version: 2 }, 'version'],
    [{ ...minimal, myClientSide: 'both' }, 'myClientSide'],
    [{ ...minimal, timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ ...minimal, transmodeCodes: { teleport: 'A' } }, 'transmodeCodes'],
    [{ ...minimal, transmodeCodes: { mto_online: 'has space' } }, 'transmodeCodes.mto_online'],
    [{ ...minimal, typologyIndicators: { ocse_payments: [] } }, 'typologyIndicators.ocse_payments'],
    [{ ...minimal, subjectSignificance: 11 }, 'subjectSignificance'],
    [{ ...minimal, extra: true }, 'extra'],
  ];
  for (const [input, field] of cases) {
    assert.throws(
      () => parseGoamlConfig(input),
      (error: unknown) =>
        isEngineError(error) &&
        error.code === 'CONFIG_INVALID' &&
        error.message.startsWith('goAML report config is invalid: ') &&
        error.message.includes(field),
      field,
    );
  }
});
