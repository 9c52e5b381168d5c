/**
 * The one XML 1.0 text policy of Prevail's XML writers (goAML and FinCEN reports, pacs.008):
 *
 * - characters no XML 1.0 document can hold, escaped or not (C0 controls other than tab, line
 *   feed and carriage return; unpaired surrogates; U+FFFE and U+FFFF) are REFUSED: the writer
 *   throws a coded error naming the field and the code point, and never replaces them, so a
 *   written document always reads back to exactly the values it was given;
 * - `& < > "` are written as entities, a carriage return as `&#13;` (a parser would otherwise
 *   read it as a line feed) and, in attributes, tab and line feed as `&#9;` and `&#10;` (which
 *   attribute normalisation would otherwise turn into spaces).
 *
 * Not xmlbuilder2's serializer: it follows the DOM Parsing algorithm, which writes a carriage
 * return in text and tab, line feed and carriage return in attributes as they are, so those
 * values would not read back as written.
 */

/**
 * The first character of `text` that no XML 1.0 document can hold, as `U+XXXX`, or `undefined`
 * when every character can be written. A surrogate pair is one (allowed) character.
 */
export function unwritableCharacter(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x20 && code < 0xd800) continue;
    let bad = false;
    if (code < 0x20) bad = code !== 0x09 && code !== 0x0a && code !== 0x0d;
    else if (code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
      else bad = true;
    } else if (code <= 0xdfff) bad = true;
    else bad = code === 0xfffe || code === 0xffff;
    if (bad) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** The reason a writer gives when `text` (at `path`) holds a character XML 1.0 cannot carry, or `undefined`. */
export function unwritableReason(path: string, text: string): string | undefined {
  const character = unwritableCharacter(text);
  return character === undefined ? undefined : `${path}: ${character} cannot be written in XML`;
}

const textSpecial = /[&<>\r]/g;
const attributeSpecial = /[&<>"\r\n\t]/g;
const references: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};
const reference = (character: string): string => references[character] ?? character;

/**
 * Escapes element content: `& < >` as entities, a carriage return as `&#13;`. Callers refuse
 * unwritable characters first (`unwritableReason`).
 */
export function escapeXmlText(text: string): string {
  return text.replace(textSpecial, reference);
}

/**
 * Escapes a double-quoted attribute value: `& < > "` as entities, and carriage return, line feed
 * and tab as character references so attribute normalisation keeps them.
 */
export function escapeXmlAttribute(text: string): string {
  return text.replace(attributeSpecial, reference);
}
