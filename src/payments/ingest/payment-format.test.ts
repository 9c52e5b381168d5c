import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { detectPaymentFormat, parsePaymentFormat } from './payment-format.js';

describe('detectPaymentFormat', () => {
  test('tells every format apart from its first bytes', () => {
    const cases: [string, string][] = [
      [
        '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>',
        'pacs008',
      ],
      ['\uFEFF  <ns2:Document xmlns:ns2="x"><ns2:FIToFICstmrCdtTrf>', 'pacs008'],
      ['<Document><CstmrCdtTrfInitn><GrpHdr>', 'pain001'],
      [
        '{"TxTp":"pacs.008.001.10","FIToFICstmrCdtTrf":{}}\n{"TxTp":"pacs.008.001.10","FIToFICstmrCdtTrf":{}}',
        'tazama',
      ],
      ['[\n  {\n    "FIToFICstmrCdtTrf": {', 'tazama'],
      ['{"id":"a","time":"2026-03-01T10:00:00Z"}\n', 'jsonl'],
      ['id,time,payer_account\n', 'csv'],
    ];
    for (const [head, format] of cases) {
      assert.equal(detectPaymentFormat(head), format, head);
      assert.equal(detectPaymentFormat(Buffer.from(head)), format, head);
    }
  });

  test('XML that is neither message is an error, not a guess', () => {
    assert.throws(
      () => detectPaymentFormat('<Document><BkToCstmrStmt/></Document>'),
      (error: unknown) => error instanceof EngineError && error.code === 'PAYMENT_INVALID',
    );
  });

  test('parsePaymentFormat accepts the known names only', () => {
    assert.equal(parsePaymentFormat('tazama'), 'tazama');
    assert.throws(
      () => parsePaymentFormat('xml'),
      (error: unknown) => error instanceof EngineError && error.code === 'CONFIG_INVALID',
    );
  });
});
