import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { create } from 'xmlbuilder2';
import { parseXml } from '../../test/support/xml-tree.js';
import { escapeXmlAttribute, escapeXmlText, unwritableCharacter, unwritableReason } from './xml-text.js';

test('one XML policy: a control character, a lone surrogate and U+FFFE or U+FFFF are unwritable; pairs, tab and line breaks are not', () => {
  assert.equal(unwritableCharacter('nul \u0000'), 'U+0000');
  assert.equal(unwritableCharacter('bell \u0007 and escape \u001B'), 'U+0007');
  assert.equal(unwritableCharacter('lone \uD800 high'), 'U+D800');
  assert.equal(unwritableCharacter('high at the end \uD83D'), 'U+D83D');
  assert.equal(unwritableCharacter('lone \uDC00 low'), 'U+DC00');
  assert.equal(unwritableCharacter('not a character \uFFFE'), 'U+FFFE');
  assert.equal(unwritableCharacter('not a character \uFFFF'), 'U+FFFF');
  assert.equal(unwritableCharacter('tab\tline\ncarriage\rpair \uD83D\uDE00 \uFFFD'), undefined);
  assert.equal(unwritableReason('payer.name', 'a\u0007'), 'payer.name: U+0007 cannot be written in XML');
  assert.equal(unwritableReason('payer.name', 'fine'), undefined);
});

test('escaped text and attributes read back exactly as written, carriage returns, tabs and line feeds included', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (text, attribute) => {
      fc.pre(unwritableCharacter(text) === undefined && unwritableCharacter(attribute) === undefined);
      const root = parseXml(`<r a="${escapeXmlAttribute(attribute)}">${escapeXmlText(text)}</r>`);
      assert.equal(root.text, text);
      assert.equal(root.attributes.a, attribute);
    }),
  );
});

test("why xml/ escapes itself: xmlbuilder2's serializer writes CR, and tab and line feed in attributes, as they are, so they read back changed", () => {
  const written = create().ele('r', { a: 'tab\there\nline' }).txt('carriage\rreturn').end();
  const root = parseXml(written);
  assert.notEqual(root.text, 'carriage\rreturn');
  assert.notEqual(root.attributes.a, 'tab\there\nline');
  const ours = parseXml(`<r a="${escapeXmlAttribute('tab\there\nline')}">${escapeXmlText('carriage\rreturn')}</r>`);
  assert.equal(ours.text, 'carriage\rreturn');
  assert.equal(ours.attributes.a, 'tab\there\nline');
});
