import { SaxesParser } from 'saxes';

/** A parsed element: qualified name, attributes, child elements, and its own text (concatenated). */
export interface ParsedElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: ParsedElement[];
  text: string;
}

/**
 * Parses a whole XML document with saxes (which rejects anything not well-formed) into a small
 * tree, so tests can check structure and values instead of matching strings.
 */
export function parseXml(xml: string): ParsedElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: ParsedElement[] = [];
  let root: ParsedElement | undefined;
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attributes[name] = String(value);
    const node: ParsedElement = { name: tag.name, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = node;
    else parent.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    const current = stack[stack.length - 1];
    if (current !== undefined) current.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (root === undefined) throw new Error('no root element');
  return root;
}

/** The names of an element's children, in order. */
export function childNames(node: ParsedElement): string[] {
  return node.children.map((child) => child.name);
}

/** The first child named `name`, or a failure naming what is missing. */
export function child(node: ParsedElement, name: string): ParsedElement {
  const found = node.children.find((candidate) => candidate.name === name);
  if (found === undefined)
    throw new Error(`<${node.name}> has no <${name}> (children: ${childNames(node).join(', ')})`);
  return found;
}

/** Every element under `node` (itself included), in document order. */
export function descendants(node: ParsedElement): ParsedElement[] {
  return [node, ...node.children.flatMap(descendants)];
}
