const special = /[&<>"\r]/g;
const replacements: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#13;',
};

/**
 * The first character of `text` that no XML 1.0 document can hold, escaped or not (a control
 * character other than tab, line feed and carriage return; a lone surrogate; U+FFFE or U+FFFF),
 * as `U+XXXX`, or `undefined` when every character can be written.
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

/**
 * Escapes text for element content or a double-quoted attribute: `& < > "` as entities and a
 * carriage return as `&#13;` (a parser would otherwise turn it into a line feed, changing the
 * value). Callers check `unwritableCharacter` first.
 */
export function escapeXml(text: string): string {
  return text.replace(special, (character) => replacements[character] ?? character);
}
