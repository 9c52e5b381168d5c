/**
 * XML: the one policy for writing text into XML 1.0 (escaping, and refusing the characters XML
 * cannot carry), shared by the report builders (`reports/`) and the pacs.008 writer
 * (`payments/`) so the two cannot treat a control character differently again.
 */
export { escapeXmlAttribute, escapeXmlText, unwritableCharacter, unwritableReason } from './xml-text.js';
