import { EngineError } from '../core/index.js';

/**
 * An element of an XML document under construction: a name, attributes in the order they are
 * written, and children (elements or text). Builders make a tree of these and serialise it once
 * with {@link writeXml}, so escaping and indentation live in one place instead of in string
 * concatenation spread over every report format.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: readonly (readonly [name: string, value: string])[];
  readonly children: readonly XmlNode[];
}

/** A node of the tree: an element, or text (escaped when written). */
export type XmlNode = XmlElement | string;

/**
 * What {@link element} accepts as children. `undefined`, `null` and `false` are dropped and
 * nested arrays are flattened, so optional parts read as `value !== undefined && textElement(…)`
 * and repeated parts as `list.map(…)`.
 */
export type XmlChild = XmlNode | undefined | null | false | readonly XmlChild[];

/** Attribute values by name, written in insertion order; `undefined` ones are left out. */
export type XmlAttributes = Readonly<Record<string, string | number | undefined>>;

const namePattern = /^[A-Za-z_][A-Za-z0-9._-]*(:[A-Za-z_][A-Za-z0-9._-]*)?$/;

function checkName(name: string): void {
  if (!namePattern.test(name)) throw new EngineError('INTERNAL', `"${name}" is not an XML element or attribute name`);
}

function flatten(children: XmlChild, into: XmlNode[]): void {
  if (children === undefined || children === null || children === false) return;
  if (typeof children === 'string' || !Array.isArray(children)) {
    into.push(children as XmlNode);
    return;
  }
  for (const child of children) flatten(child, into);
}

/**
 * Makes an element. Names are checked (a bad name is a programming error: `INTERNAL`).
 *
 * @example
 * element('report', [textElement('rentity_id', 1001), note !== undefined && textElement('reason', note)])
 */
export function element(name: string, children: XmlChild = [], attributes: XmlAttributes = {}): XmlElement {
  checkName(name);
  const written: (readonly [string, string])[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    checkName(key);
    written.push([key, String(value)]);
  }
  const flat: XmlNode[] = [];
  flatten(children, flat);
  return { name, attributes: written, children: flat };
}

/** An element holding one text value (numbers are written with `String`). */
export function textElement(name: string, value: string | number, attributes: XmlAttributes = {}): XmlElement {
  return element(name, [String(value)], attributes);
}

/** {@link textElement} when `value` is present, otherwise `undefined` (dropped by {@link element}). */
export function optionalTextElement(name: string, value: string | number | undefined): XmlElement | undefined {
  return value === undefined ? undefined : textElement(name, value);
}

/** True for a UTF-16 code unit XML 1.0 never allows: C0 controls other than tab, line feed and carriage return, and U+FFFE/U+FFFF. */
function isForbiddenUnit(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff;
}

/**
 * Replaces the characters XML 1.0 cannot carry at all, even escaped (C0 controls other than tab,
 * line feed and carriage return, U+FFFE/U+FFFF, and unpaired surrogates), with U+FFFD (the
 * replacement character), one for one, so a stray control character in a name or narrative
 * cannot make a document unreadable.
 */
export function replaceForbiddenCharacters(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const high = code >= 0xd800 && code <= 0xdbff;
    const low = code >= 0xdc00 && code <= 0xdfff;
    if (high) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index += 1;
        continue;
      }
    }
    if (high || low || isForbiddenUnit(code)) {
      result += `${text.slice(copiedUpTo, index)}\uFFFD`;
      copiedUpTo = index + 1;
    }
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** Escapes text content: `&`, `<`, `>` and carriage returns (which parsers would otherwise turn into line feeds). */
export function escapeText(text: string): string {
  return replaceForbiddenCharacters(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#13;');
}

/** Escapes an attribute value for double quotes; tabs and line breaks become character references so they survive attribute normalisation. */
export function escapeAttribute(value: string): string {
  return escapeText(value).replaceAll('"', '&quot;').replaceAll('\t', '&#9;').replaceAll('\n', '&#10;');
}

/** How {@link writeXml} lays out a document. */
export interface XmlWriteOptions {
  /** One level of indentation (default two spaces). */
  readonly indent?: string;
  /** Start with `<?xml version="1.0" encoding="UTF-8"?>` (default true). */
  readonly declaration?: boolean;
}

function openTag(node: XmlElement): string {
  const attributes = node.attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  return `<${node.name}${attributes}`;
}

function writeElement(node: XmlElement, depth: number, indent: string, lines: string[]): void {
  const prefix = indent.repeat(depth);
  if (node.children.length === 0) {
    lines.push(`${prefix}${openTag(node)}/>`);
    return;
  }
  const texts = node.children.filter((child): child is string => typeof child === 'string');
  if (texts.length === node.children.length) {
    lines.push(`${prefix}${openTag(node)}>${escapeText(texts.join(''))}</${node.name}>`);
    return;
  }
  if (texts.length > 0) {
    throw new EngineError('INTERNAL', `element <${node.name}> mixes text and elements, which reports never do`);
  }
  lines.push(`${prefix}${openTag(node)}>`);
  for (const child of node.children) writeElement(child as XmlElement, depth + 1, indent, lines);
  lines.push(`${prefix}</${node.name}>`);
}

/**
 * Serialises a tree as UTF-8 XML text: one element per line, indented; an element with only text
 * on one line (`<name>text</name>`, so no whitespace is added to values); an empty one as
 * `<name/>`. The result ends with a line feed. Pure: the same tree always gives the same string.
 *
 * @throws EngineError `INTERNAL` for an element mixing text and element children.
 */
export function writeXml(root: XmlElement, options: XmlWriteOptions = {}): string {
  const lines: string[] = [];
  if (options.declaration ?? true) lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  writeElement(root, 0, options.indent ?? '  ', lines);
  return `${lines.join('\n')}\n`;
}
