import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CsvLineSplitter } from './csv-line-splitter.js';
import { type CsvProblem, CsvRecordReader } from './csv-record-reader.js';

function readAll(
  pieces: readonly string[],
  maxRecordBytes = 1000,
): { records: [string[], number][]; problem?: CsvProblem } {
  const records: [string[], number][] = [];
  const reader = new CsvRecordReader((fields, line) => records.push([fields, line]), { maxRecordBytes });
  for (const piece of pieces) {
    const problem = reader.write(piece);
    if (problem !== undefined) return { records, problem };
  }
  const problem = reader.end();
  return problem === undefined ? { records } : { records, problem };
}

describe('the one CSV dialect (csv-parse)', () => {
  test('quoted fields hold commas, doubled quotes and line breaks; records name the line they start on', () => {
    const { records } = readAll(['a,"b,1","say ""hi""",c\n\n"x\ny",z\r\n', 'last,1']);
    assert.deepEqual(records, [
      [['a', 'b,1', 'say "hi"', 'c'], 1],
      [['x\ny', 'z'], 3],
      [['last', '1'], 5],
    ]);
  });

  test('a CRLF inside a quoted field reads as LF; a lone CR is text; a BOM at the start is dropped', () => {
    const { records } = readAll(['\uFEFFid,"one\r\ntwo"\r\n', 'x\ry,"a\rb"\r\n']);
    assert.deepEqual(records, [
      [['id', 'one\ntwo'], 1],
      [['x\ry', 'a\rb'], 3],
    ]);
  });

  test('pieces may split a record, a quote pair or a CRLF anywhere', () => {
    const text = 'h1,h2\r\n"a ""q""\r\nb",c\r\n';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length }), fc.integer({ min: 0, max: text.length }), (i, j) => {
        const [from, to] = i <= j ? [i, j] : [j, i];
        const { records } = readAll([text.slice(0, from), text.slice(from, to), text.slice(to)]);
        assert.deepEqual(records, [
          [['h1', 'h2'], 1],
          [['a "q"\nb', 'c'], 2],
        ]);
      }),
    );
  });

  test('spaces around a field are not part of it, blank lines are no record', () => {
    const { records } = readAll(['  a , "b" ,c\n   \n\t\n d\n']);
    assert.deepEqual(records, [
      [['a', 'b', 'c'], 1],
      [['d'], 4],
    ]);
  });

  test('refuses an open quote, text after a closing quote, a quote in an unquoted field, a long record', () => {
    assert.deepEqual(pick(readAll(['a,b\nc,"open\nmore\n'])), { kind: 'unclosed-quote', line: 2, recordLine: 2 });
    assert.deepEqual(pick(readAll(['a,b\n"c"x,d\n'])), { kind: 'text-after-quote', line: 2, recordLine: 2 });
    assert.deepEqual(pick(readAll(['a,b\nc,5" screen\n'])), { kind: 'quote-in-field', line: 2, recordLine: 2 });
    assert.equal(readAll([`a,"${'x'.repeat(50)}`], 20).problem?.kind, 'too-long');
  });

  test('an error thrown by the record handler comes out of write as it is', () => {
    const reader = new CsvRecordReader(
      () => {
        throw new RangeError('mine');
      },
      { maxRecordBytes: 100 },
    );
    assert.throws(() => {
      reader.write('a\n');
      reader.end();
    }, RangeError);
  });

  test("one record per line: fields at once, an open quote is the line's problem, the next line reads", () => {
    const splitter = new CsvLineSplitter(100);
    assert.deepEqual(splitter.split('a, "b,c" ,d'), { ok: true, fields: ['a', 'b,c', 'd'] });
    assert.deepEqual(splitter.split('x,"open'), { ok: false, kind: 'unclosed-quote' });
    assert.deepEqual(splitter.split('"a"b,c'), { ok: false, kind: 'text-after-quote' });
    assert.deepEqual(splitter.split('a"b,c'), { ok: false, kind: 'quote-in-field' });
    assert.deepEqual(splitter.split(''), { ok: true, fields: [''] });
    assert.deepEqual(splitter.split('y'), { ok: true, fields: ['y'] });
    assert.deepEqual(splitter.split(`${'z'.repeat(200)}`), { ok: false, kind: 'too-long' });
    assert.deepEqual(splitter.split('last,1'), { ok: true, fields: ['last', '1'] });
  });
});

function pick(result: { problem?: CsvProblem }): Omit<CsvProblem, 'detail'> | undefined {
  if (result.problem === undefined) return undefined;
  const { kind, line, recordLine } = result.problem;
  return { kind, line, recordLine };
}
