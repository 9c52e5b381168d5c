import assert from 'node:assert/strict';
import { test } from 'node:test';
import { element, textElement, writeXml } from '../xml-writer.js';
import { withSequenceNumbers } from './sequence-numbers.js';

test('numbers the listed elements 1, 2, 3… in document order, parents before children', () => {
  const tree = element('fc2:Batch', [
    element('fc2:Activity', [
      textElement('fc2:Leaf', 'x'),
      element('fc2:Party', [element('fc2:PartyName', [textElement('fc2:Leaf', 'y')]), element('fc2:Address')], {
        SeqNum: 99,
      }),
      element('fc2:Party'),
    ]),
  ]);
  const numbered = withSequenceNumbers(tree, new Set(['Activity', 'Party', 'PartyName', 'Address']));
  assert.equal(
    writeXml(numbered, { declaration: false }),
    [
      '<fc2:Batch>',
      '  <fc2:Activity SeqNum="1">',
      '    <fc2:Leaf>x</fc2:Leaf>',
      '    <fc2:Party SeqNum="2">',
      '      <fc2:PartyName SeqNum="3">',
      '        <fc2:Leaf>y</fc2:Leaf>',
      '      </fc2:PartyName>',
      '      <fc2:Address SeqNum="4"/>',
      '    </fc2:Party>',
      '    <fc2:Party SeqNum="5"/>',
      '  </fc2:Activity>',
      '</fc2:Batch>',
      '',
    ].join('\n'),
  );
  assert.equal(tree.children.length, 1, 'the input tree is left as it was');
  assert.deepEqual((tree.children[0] as { attributes: unknown }).attributes, []);
});
