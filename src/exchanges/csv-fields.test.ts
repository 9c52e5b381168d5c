import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatCsvField, splitCsvLine } from './csv-fields.js';

describe('CSV fields', () => {
  test('splits plain and quoted fields as Python csv writes them', () => {
    assert.deepEqual(splitCsvLine('a,,b'), { ok: true, fields: ['a', '', 'b'] });
    assert.deepEqual(splitCsvLine('"a,b","say ""hi""" ,c'), { ok: true, fields: ['a,b', 'say "hi"', 'c'] });
    assert.deepEqual(splitCsvLine(''), { ok: true, fields: [''] });
    assert.deepEqual(splitCsvLine('a,'), { ok: true, fields: ['a', ''] });
  });

  test('refuses an unterminated quote and text after a closing quote', () => {
    assert.deepEqual(splitCsvLine('a,"b'), { ok: false, reason: 'unterminated quoted field' });
    assert.deepEqual(splitCsvLine('"a"b,c'), { ok: false, reason: 'text after a closing quote' });
  });

  test('quotes only fields that need it', () => {
    assert.equal(formatCsvField('plain text'), 'plain text');
    assert.equal(formatCsvField('a,b'), '"a,b"');
    assert.equal(formatCsvField('say "hi"'), '"say ""hi"""');
    assert.equal(formatCsvField(' padded'), '" padded"');
  });

  test('property: formatted fields split back to the same values', () =>
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', ' ', 'é') }), { minLength: 1 }),
        (fields) => {
          assert.deepEqual(splitCsvLine(fields.map(formatCsvField).join(',')), { ok: true, fields });
        },
      ),
    ));
});
