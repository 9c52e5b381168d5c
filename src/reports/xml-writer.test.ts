import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseXml } from '../../test/support/xml-tree.js';
import { isEngineError } from '../core/index.js';
import { unwritableCharacter } from '../xml/index.js';
import { element, escapeAttribute, escapeText, optionalTextElement, textElement, writeXml } from './xml-writer.js';

test('escapes the five XML specials in text and attributes', () => {
  assert.equal(escapeText('Test & Sender <one> "two" \'three\''), 'Test &amp; Sender &lt;one&gt; "two" \'three\'');
  assert.equal(escapeAttribute('a "b" & <c>'), 'a &quot;b&quot; &amp; &lt;c&gt;');
  assert.equal(escapeAttribute('line\none\ttab\r'), 'line&#10;one&#9;tab&#13;');
  assert.equal(escapeText('keep\nline breaks\r'), 'keep\nline breaks&#13;');
});

const refused = (pattern: RegExp) => (error: unknown) =>
  isEngineError(error) && error.code === 'REQUEST_INVALID' && pattern.test(error.message);

test('one XML policy: a control character, a lone surrogate and U+FFFE are refused in text and attributes, never replaced', () => {
  for (const [text, point] of [
    ['a\u0000b', 'U\\+0000'],
    ['bell \u0007', 'U\\+0007'],
    ['lone \uD800 high', 'U\\+D800'],
    ['low \uDC00 first', 'U\\+DC00'],
    ['not a character \uFFFE', 'U\\+FFFE'],
  ] as const) {
    assert.throws(
      () => writeXml(element('report', [element('party', [textElement('name', text)])])),
      refused(new RegExp(`^report/party/name: ${point} cannot be written in XML`)),
    );
    assert.throws(
      () => writeXml(element('report', [], { note: text })),
      refused(new RegExp(`^report/@note: ${point} cannot be written in XML`)),
    );
  }
  assert.equal(escapeText('tab\tnewline\n'), 'tab\tnewline\n');
  assert.equal(escapeText('pair \uD83D\uDE00 ok'), 'pair \uD83D\uDE00 ok');
});

test('lays out one element per line, text inline, empty elements closed', () => {
  const xml = writeXml(
    element('report', [
      textElement('id', 7),
      element('empty'),
      element('nested', [textElement('value', 'a < b')], { code: 'x&y' }),
      optionalTextElement('absent', undefined),
      false,
      [textElement('one', '1'), [textElement('two', '2')]],
    ]),
  );
  assert.equal(
    xml,
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<report>',
      '  <id>7</id>',
      '  <empty/>',
      '  <nested code="x&amp;y">',
      '    <value>a &lt; b</value>',
      '  </nested>',
      '  <one>1</one>',
      '  <two>2</two>',
      '</report>',
      '',
    ].join('\n'),
  );
  assert.equal(writeXml(element('a'), { declaration: false, indent: '\t' }), '<a/>\n');
});

test('undefined attributes are left out and the rest keep their order', () => {
  const xml = writeXml(element('a', [], { z: 1, skipped: undefined, b: 'two' }), { declaration: false });
  assert.equal(xml, '<a z="1" b="two"/>\n');
});

test('bad names and mixed content are programming errors', () => {
  assert.throws(
    () => element('1bad'),
    (error: unknown) => isEngineError(error) && error.code === 'INTERNAL',
  );
  assert.throws(
    () => element('a', [], { 'bad name': 'x' }),
    (error: unknown) => isEngineError(error) && error.code === 'INTERNAL',
  );
  assert.throws(
    () => writeXml(element('a', ['text', element('b')])),
    (error: unknown) => isEngineError(error) && error.code === 'INTERNAL',
  );
});

test('any text and attribute value reads back as written, or is refused (forbidden characters)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (text, attribute) => {
      const write = () => writeXml(element('root', [textElement('value', text)], { note: attribute }));
      if (unwritableCharacter(text) !== undefined || unwritableCharacter(attribute) !== undefined) {
        assert.throws(write, refused(/cannot be written in XML/));
        return;
      }
      const root = parseXml(write());
      const value = root.children[0];
      assert.equal(value?.text, text);
      assert.equal(root.attributes.note, attribute);
    }),
  );
});
