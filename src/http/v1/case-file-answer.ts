import type { CaseFile } from '../../cases/index.js';
import { withoutMessageText } from '../../review/index.js';

/**
 * A case file as `/v1` answers it: every timeline entry as stored except a message event's
 * `data.text`, replaced by `data.text_withheld: true` (`withoutMessageText`, the console's own
 * redaction). The chat indicator timeline stays whole (families, confidences, languages, message
 * ids, span hashes: never text), so an integration reads what Prevail found without anyone's
 * words; a message's text is read only through the console's audited reveal, never over `/v1`.
 */
export function caseFileAnswer(file: CaseFile): CaseFile {
  return { ...file, timeline: file.timeline.map((entry) => ({ ...entry, detail: withoutMessageText(entry) })) };
}
