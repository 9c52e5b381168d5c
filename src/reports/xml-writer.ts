import { EngineError } from '../core/index.js';
import { escapeXmlAttribute, escapeXmlText, unwritableReason } from '../xml/index.js';

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

/**
 * Escapes text content (see `escapeXmlText`: the one policy of `xml/`). Refuses, rather than
 * replaces, a character XML 1.0 cannot carry.
 *
 * @throws EngineError `REQUEST_INVALID` naming `path` and the code point.
 */
export function escapeText(text: string, path = 'text'): string {
  refuseUnwritable(path, text);
  return escapeXmlText(text);
}

/** Escapes an attribute value for double quotes (see `escapeXmlAttribute`); refuses like {@link escapeText}. */
export function escapeAttribute(value: string, path = 'attribute'): string {
  refuseUnwritable(path, value);
  return escapeXmlAttribute(value);
}

function refuseUnwritable(path: string, text: string): void {
  const reason = unwritableReason(path, text);
  if (reason !== undefined) throw new EngineError('REQUEST_INVALID', reason);
}

/** How {@link writeXml} lays out a document. */
export interface XmlWriteOptions {
  /** One level of indentation (default two spaces). */
  readonly indent?: string;
  /** Start with `<?xml version="1.0" encoding="UTF-8"?>` (default true). */
  readonly declaration?: boolean;
}

function openTag(node: XmlElement, path: string): string {
  const attributes = node.attributes
    .map(([name, value]) => ` ${name}="${escapeAttribute(value, `${path}/@${name}`)}"`)
    .join('');
  return `<${node.name}${attributes}`;
}

function writeElement(node: XmlElement, depth: number, indent: string, lines: string[], parent: string): void {
  const prefix = indent.repeat(depth);
  const path = parent === '' ? node.name : `${parent}/${node.name}`;
  if (node.children.length === 0) {
    lines.push(`${prefix}${openTag(node, path)}/>`);
    return;
  }
  const texts = node.children.filter((child): child is string => typeof child === 'string');
  if (texts.length === node.children.length) {
    lines.push(`${prefix}${openTag(node, path)}>${escapeText(texts.join(''), path)}</${node.name}>`);
    return;
  }
  if (texts.length > 0) {
    throw new EngineError('INTERNAL', `element <${node.name}> mixes text and elements, which reports never do`);
  }
  lines.push(`${prefix}${openTag(node, path)}>`);
  for (const child of node.children) writeElement(child as XmlElement, depth + 1, indent, lines, path);
  lines.push(`${prefix}</${node.name}>`);
}

/**
 * Serialises a tree as UTF-8 XML text: one element per line, indented; an element with only text
 * on one line (`<name>text</name>`, so no whitespace is added to values); an empty one as
 * `<name/>`. The result ends with a line feed. Pure: the same tree always gives the same string.
 *
 * @throws EngineError `INTERNAL` for an element mixing text and element children;
 *   `REQUEST_INVALID` for a text or attribute value holding a character XML 1.0 cannot carry
 *   (a control character other than tab, line feed and carriage return, a lone surrogate,
 *   U+FFFE or U+FFFF), naming the element path and the code point: refused, never replaced
 *   (the one policy of `xml/`), so a filed report never silently differs from its case.
 */
export function writeXml(root: XmlElement, options: XmlWriteOptions = {}): string {
  const lines: string[] = [];
  if (options.declaration ?? true) lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  writeElement(root, 0, options.indent ?? '  ', lines, '');
  return `${lines.join('\n')}\n`;
}
