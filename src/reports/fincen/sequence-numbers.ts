import type { XmlElement, XmlNode } from '../xml-writer.js';

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * Returns a copy of `root` where every element whose local name is in `sequenced` carries a
 * `SeqNum` attribute, numbered 1, 2, 3… in document order (a parent before its children, then
 * siblings in order). FinCEN requires these numbers to be unique within the batch; numbering
 * the finished tree in one pass, rather than while building it, makes that hold by construction.
 * An existing `SeqNum` is replaced.
 */
export function withSequenceNumbers(root: XmlElement, sequenced: ReadonlySet<string>): XmlElement {
  let next = 1;
  const visit = (node: XmlElement): XmlElement => {
    const attributes = node.attributes.filter(([name]) => name !== 'SeqNum');
    if (sequenced.has(localName(node.name))) attributes.unshift(['SeqNum', String(next++)]);
    const children = node.children.map((child: XmlNode) => (typeof child === 'string' ? child : visit(child)));
    return { name: node.name, attributes, children };
  };
  return visit(root);
}
