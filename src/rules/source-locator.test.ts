import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isMap, isScalar, parseDocument, type Scalar, stringify } from 'yaml';
import { SourceLocator, scalarSourceOffset } from './source-locator.js';

function whenScalar(text: string): Scalar {
  const document = parseDocument(text);
  const contents = document.contents;
  const node = isMap(contents) ? contents.get('when', true) : undefined;
  if (!isScalar(node)) assert.fail('no when scalar');
  return node;
}

test('maps offsets inside folded and literal blocks to file offsets', () => {
  const text = 'when: >\n  a == 1\n  && b\n';
  const scalar = whenScalar(text);
  assert.equal(scalar.value, 'a == 1 && b\n');
  assert.equal(text[scalarSourceOffset(text, scalar, 7)], '&');
  assert.equal(scalarSourceOffset(text, scalar, 7), text.indexOf('&&'));
  const literal = 'when: |-\n  a\n    && b\n';
  assert.equal(scalarSourceOffset(literal, whenScalar(literal), 7), literal.indexOf('&&') + 3);
});

test('steps over escapes in double-quoted scalars', () => {
  const text = 'when: "a == \\"x\\u0041\\"\\t!"\n';
  const scalar = whenScalar(text);
  assert.equal(scalar.value, 'a == "xA"\t!');
  assert.equal(text[scalarSourceOffset(text, scalar, 10)], '!');
});

const styles = ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const;
const expression = fc.stringMatching(/^[a-z0-9 ."'=<>&|()!\\\n-]{1,120}$/);

test('property: every non-space value character maps to the same character in the file', () => {
  fc.assert(
    fc.property(expression, fc.constantFrom(...styles), fc.integer({ min: 20, max: 80 }), (value, style, width) => {
      const text = stringify({ when: value }, { defaultStringType: style, lineWidth: width, minContentWidth: 10 });
      const scalar = whenScalar(text);
      if (scalar.value !== value) return; // the style could not represent it exactly; nothing to map
      const escaped = scalar.type === 'QUOTE_DOUBLE' ? new Set(['"', '\\', '\n']) : new Set<string>();
      for (let index = 0; index < value.length; index++) {
        const character = value[index] ?? '';
        if (/\s/.test(character) || escaped.has(character)) continue;
        const offset = scalarSourceOffset(text, scalar, index);
        assert.equal(text[offset], character, `${JSON.stringify(text)} at value index ${index}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('SourceLocator gives 1-based line and column with the line text', () => {
  const locator = new SourceLocator('a.yaml', 'rules:\r\n  - id: x\n');
  parseDocument(locator.text, { lineCounter: locator.lineCounter });
  assert.deepEqual(locator.at(locator.text.indexOf('x'), 'm'), {
    file: 'a.yaml',
    line: 2,
    column: 9,
    message: 'm',
    sourceLine: '  - id: x',
  });
});
