import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import type { PaymentRecord } from '../payment-record.js';
import type { PaymentFormat } from './payment-format.js';
import { readPaymentsFile, validatePaymentsFile } from './payments-file.js';
import type { PaymentReadOptions } from './read-options.js';
import { readPayments, streamPayments } from './read-payments.js';
import { writePaymentJsonl } from './write-jsonl.js';
import { writePacs008 } from './write-pacs008.js';

function payment(index: number): PaymentRecord {
  return {
    id: `P-${index}`,
    time: `2026-03-01T${String(index % 24).padStart(2, '0')}:30:00+08:00`,
    localHour: index % 24,
    payer: { account: `A-${index % 7}`, name: 'Tëst Sender 漢', country: 'AU' },
    payee: { account: `B-${index % 3}`, country: 'PH' },
    amount: 10 + index / 100,
    currency: 'USD',
    remittanceInfo: `gift ${index} 😀`,
  };
}

const records = Array.from({ length: 25 }, (_, index) => payment(index));

function csvOf(items: readonly PaymentRecord[]): string {
  const rows = items.map((item) =>
    [
      item.id,
      item.time,
      item.payer.account,
      `"${item.payer.name}"`,
      item.payer.country,
      item.payee.account,
      item.payee.country,
      item.amount,
      item.currency,
      `"${item.remittanceInfo}"`,
    ].join(','),
  );
  return `id,time,payer_account,payer_name,payer_country,payee_account,payee_country,amount,currency,remittance_info\n${rows.join('\n')}\n`;
}

function tazamaLinesOf(items: readonly PaymentRecord[]): string {
  return items
    .map((item) =>
      JSON.stringify({
        TxTp: 'pacs.008.001.10',
        FIToFICstmrCdtTrf: {
          GrpHdr: { MsgId: `M-${item.id}`, CreDtTm: item.time, NbOfTxs: 1 },
          CdtTrfTxInf: {
            PmtId: { EndToEndId: item.id },
            InstdAmt: { Amt: { Amt: item.amount, Ccy: item.currency } },
            Dbtr: { Nm: item.payer.name, PstlAdr: { Ctry: item.payer.country } },
            DbtrAcct: { Id: { Othr: [{ Id: item.payer.account }] } },
            Cdtr: { PstlAdr: { Ctry: item.payee.country } },
            CdtrAcct: { Id: { Othr: [{ Id: item.payee.account }] } },
          },
          RmtInf: { Ustrd: item.remittanceInfo },
        },
      }),
    )
    .join('\n');
}

/** Every format that can carry these records exactly (an MT103 has no payer's time: `parse-mt103.test.ts`). */
const inputs: Record<Exclude<PaymentFormat, 'pain001' | 'mt103'>, string> = {
  pacs008: writePacs008(records, { createdAt: '2026-03-02T00:00:00Z', messageId: 'STREAM' }),
  tazama: tazamaLinesOf(records),
  jsonl: writePaymentJsonl(records),
  csv: csvOf(records),
};

/** The bytes of `text` in pieces of `size` bytes, cutting through multi-byte characters. */
async function* piecesOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function collect(
  text: string,
  format: PaymentFormat,
  size: number,
  options: PaymentReadOptions = {},
): Promise<PaymentRecord[][]> {
  const batches: PaymentRecord[][] = [];
  for await (const batch of streamPayments(piecesOf(text, size), format, options)) batches.push(batch);
  return batches;
}

const directory = mkdtempSync(join(tmpdir(), 'prevail-payments-'));
after(() => rmSync(directory, { recursive: true, force: true }));

describe('streamPayments', () => {
  for (const format of ['pacs008', 'tazama', 'jsonl', 'csv'] as const) {
    test(`${format}: any chunking gives the records of the whole input, in batches of batchSize`, async () => {
      const whole = readPayments(inputs[format], format);
      assert.deepEqual(whole, records);
      for (const size of [1, 7, 4096]) {
        const batches = await collect(inputs[format], format, size, { batchSize: 10 });
        assert.deepEqual(
          batches.map((batch) => batch.length),
          [10, 10, 5],
        );
        assert.deepEqual(batches.flat(), records);
      }
    });
  }

  test('a problem stops the stream at its position, after the batches before it', async () => {
    const broken = inputs.jsonl.replace('"P-21"', '"P-3"');
    const batches: PaymentRecord[][] = [];
    await assert.rejects(
      async () => {
        for await (const batch of streamPayments(piecesOf(broken, 100), 'jsonl', { batchSize: 10 }))
          batches.push(batch);
      },
      (error: unknown) =>
        error instanceof EngineError &&
        error.code === 'PAYMENT_INVALID' &&
        /^line 22: id "P-3" repeats/.test(error.message),
    );
    assert.deepEqual(
      batches.map((batch) => batch.length),
      [10, 10],
    );
  });

  test('a Tazama document that is not JSON Lines is held whole, within maxBytes', async () => {
    const document = `[${inputs.tazama.split('\n').join(',\n')}]`;
    assert.deepEqual((await collect(document, 'tazama', 64)).flat(), records);
    await assert.rejects(
      collect(document, 'tazama', 64, { maxBytes: 1000 }),
      (error: unknown) => error instanceof EngineError && error.code === 'INPUT_TOO_LARGE',
    );
  });
});

describe('payments files', () => {
  test('readPaymentsFile streams batches and validatePaymentsFile counts', async () => {
    const path = join(directory, 'payments.xml');
    writeFileSync(path, inputs.pacs008);
    const batches: PaymentRecord[][] = [];
    for await (const batch of readPaymentsFile(path, 'pacs008', { batchSize: 20 })) batches.push(batch);
    assert.deepEqual(batches.flat(), records);
    assert.deepEqual(await validatePaymentsFile(path, 'pacs008'), { count: 25 });
  });

  test('validatePaymentsFile throws the first problem with its position', async () => {
    const path = join(directory, 'broken.xml');
    writeFileSync(
      path,
      inputs.pacs008.replace('<InstdAmt Ccy="USD">10.2</InstdAmt>', '<InstdAmt Ccy="USD">ten</InstdAmt>'),
    );
    await assert.rejects(
      validatePaymentsFile(path, 'pacs008'),
      (error: unknown) =>
        error instanceof EngineError &&
        error.code === 'PAYMENT_INVALID' &&
        /^line 25, column 1: InstdAmt: not a decimal amount: "ten"$/.test(error.message),
    );
  });

  test('a missing file and a directory have their own codes', async () => {
    await assert.rejects(
      validatePaymentsFile(join(directory, 'absent.csv'), 'csv'),
      (error: unknown) => error instanceof EngineError && error.code === 'INPUT_NOT_FOUND',
    );
    await assert.rejects(
      validatePaymentsFile(directory, 'csv'),
      (error: unknown) => error instanceof EngineError && error.code === 'INPUT_UNREADABLE',
    );
  });
});
