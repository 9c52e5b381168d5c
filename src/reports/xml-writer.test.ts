import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseXml } from '../../test/support/xml-tree.js';
import { isEngineError } from '../core/index.js';
import {
  element,
  escapeAttribute,
  escapeText,
  optionalTextElement,
  replaceForbiddenCharacters,
  textElement,
  writeXml,
} from './xml-writer.js';

test('escapes the five XML specials in text and attributes', () => {
  assert.equal(escapeText('Test & Sender <one> "two" \'three\''), 'Test &amp; Sender &lt;one&gt; "two" \'three\'');
  assert.equal(escapeAttribute('a "b" & <c>'), 'a &quot;b&quot; &amp; &lt;c&gt;');
  assert.equal(escapeAttribute('line\none\ttab\r'), 'line&#10;one&#9;tab&#13;');
  assert.equal(escapeText('keep\nline breaks\r'), 'keep\nline breaks&#13;');
});

test('replaces characters XML 1.0 cannot carry, one for one', () => {
  assert.equal(replaceForbiddenCharacters('a\u0000b\u0007c\u001Fd'), 'a\uFFFDb\uFFFDc\uFFFDd');
  assert.equal(replaceForbiddenCharacters('tab\tnewline\n'), 'tab\tnewline\n');
  assert.equal(replaceForbiddenCharacters('lone \uD800 high'), 'lone \uFFFD high');
  assert.equal(replaceForbiddenCharacters('pair \uD83D\uDE00 ok'), 'pair \uD83D\uDE00 ok');
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

test('any text and attribute value reads back as written (forbidden characters replaced)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (text, attribute) => {
      const root = parseXml(writeXml(element('root', [textElement('value', text)], { note: attribute })));
      const value = root.children[0];
      assert.equal(value?.text, replaceForbiddenCharacters(text));
      assert.equal(root.attributes.note, replaceForbiddenCharacters(attribute));
    }),
  );
});
