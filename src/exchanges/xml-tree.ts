import { SaxesParser } from 'saxes';
import { EngineError } from '../core/index.js';

/** An element of a parsed page: local name (namespace prefix stripped), attributes, children, own text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

/** Deepest element nesting a page may have; NCMEC's is 7. */
const maxDepth = 32;

/**
 * Parses a whole XML page with saxes (a conforming, non-validating parser: anything not
 * well-formed — truncated, a NUL, an undeclared entity — is refused) into a small tree. Namespace
 * prefixes are stripped from element names, as python-threatexchange's NCMEC client does; no DTD
 * or external entity is ever resolved (saxes does not).
 *
 * @throws EngineError `EXCHANGE_PAGE_MALFORMED` for a page that is not well-formed XML, nests
 *   deeper than 32 elements, or has no root.
 */
export function parseXmlPage(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: string | undefined;
  parser.on('error', (error) => {
    failure ??= error.message;
  });
  parser.on('doctype', () => {
    failure ??= 'a DOCTYPE is not accepted';
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth) {
      failure ??= `elements nested deeper than ${maxDepth}`;
      return;
    }
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attributes[localName(name)] = String(value);
    const element: XmlElement = { name: localName(tag.name), attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = element;
    else parent.children.push(element);
    stack.push(element);
  });
  parser.on('text', (text) => {
    const current = stack[stack.length - 1];
    if (current !== undefined) current.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    failure ??= error instanceof Error ? error.message : 'not XML';
  }
  if (failure !== undefined)
    throw new EngineError('EXCHANGE_PAGE_MALFORMED', `not well-formed XML: ${failure.slice(0, 160)}`);
  if (root === undefined) throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'no root element');
  return root;
}

/** The first child called `name`, if any. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** The trimmed text of the first child called `name`, or `undefined` when absent or empty. */
export function childText(element: XmlElement, name: string): string | undefined {
  const text = childNamed(element, name)?.text.trim();
  return text === undefined || text === '' ? undefined : text;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}
