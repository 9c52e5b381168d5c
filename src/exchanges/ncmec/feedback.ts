import { EngineError } from '../../core/index.js';
import type { ExchangeClientOptions } from '../client-options.js';
import type { ExchangeFeedback } from '../exchange-client.js';
import { readUpstreamPage } from '../upstream-page.js';
import { writeUpstream } from '../upstream-write.js';
import { parseXmlPage, type XmlElement } from '../xml-tree.js';

const namespace = 'https://hashsharing.ncmec.org/hashsharing/v2';

/** NCMEC's fingerprint type (`{FP}` in the feedback paths) for each Prevail signal it carries. */
const fingerprintTypeBySignal: ReadonlyMap<string, string> = new Map([
  ['md5', 'MD5'],
  ['pdq', 'PDQ'],
]);

const guidPattern = /^[0-9A-Za-z-]{1,64}$/;

/** A feedback reason NCMEC offers for a fingerprint type (`GET feedback/{FP}/reasons`). */
interface NcmecFeedbackReason {
  readonly guid: string;
  readonly name: string;
}

/**
 * Sends a verdict to NCMEC as a vote on the entry's fingerprint: `PUT
 * {base}/v2/entries/{member}/{entry}/{FP}/feedback` with `<feedbackSubmission>` holding
 * `<affirmative/>` (true positive) or `<negative><reasonIds><guid>…</guid></reasonIds></negative>`
 * (false positive). The reason is `feedback.reason` (a GUID); without one, the single reason NCMEC
 * offers for that fingerprint type is used, and with several the call fails listing them, as pytx
 * does. Sent once: a write is not retried on a status.
 *
 * @throws EngineError `REQUEST_INVALID` for a key that is not `<member>-<entry>`, a signal NCMEC
 *   takes no feedback on, or a reason that is not a GUID or cannot be chosen; the `EXCHANGE_*`
 *   codes of the write.
 */
export async function sendNcmecFeedback(
  base: string,
  headers: Readonly<Record<string, string>>,
  feedback: ExchangeFeedback,
  options: ExchangeClientOptions & { readonly signal?: AbortSignal | undefined },
): Promise<void> {
  const dash = feedback.key.indexOf('-');
  const member = feedback.key.slice(0, dash);
  const entry = feedback.key.slice(dash + 1);
  if (dash < 1 || entry === '') {
    throw new EngineError('REQUEST_INVALID', 'an NCMEC key is <member id>-<entry id>');
  }
  const fingerprintType = fingerprintTypeBySignal.get(feedback.signal.signalType);
  if (fingerprintType === undefined) {
    throw new EngineError('REQUEST_INVALID', `NCMEC takes no feedback on ${feedback.signal.signalType} signals`);
  }
  let vote = '<affirmative/>';
  if (feedback.verdict === 'false_positive') {
    const guid = feedback.reason ?? (await onlyReason(base, headers, fingerprintType, options));
    if (!guidPattern.test(guid)) throw new EngineError('REQUEST_INVALID', 'an NCMEC feedback reason is a GUID');
    vote = `<negative><reasonIds><guid>${guid}</guid></reasonIds></negative>`;
  }
  await writeUpstream(
    `${base}/v2/entries/${encodeURIComponent(member)}/${encodeURIComponent(entry)}/${fingerprintType}/feedback`,
    {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/xml; charset=utf-8' },
      body: `<?xml version="1.0" encoding="UTF-8"?><feedbackSubmission xmlns="${namespace}">${vote}</feedbackSubmission>`,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      fetch: options.fetch,
    },
  );
}

async function onlyReason(
  base: string,
  headers: Readonly<Record<string, string>>,
  fingerprintType: string,
  options: ExchangeClientOptions & { readonly signal?: AbortSignal | undefined },
): Promise<string> {
  const reasons = await readUpstreamPage(
    `${base}/v2/feedback/${fingerprintType}/reasons`,
    { ...options, headers },
    parseReasons,
  );
  const [only] = reasons;
  if (reasons.length === 1 && only !== undefined) return only.guid;
  throw new EngineError(
    'REQUEST_INVALID',
    `NCMEC offers ${reasons.length} reasons for ${fingerprintType}; choose one: ${reasons
      .slice(0, 20)
      .map((reason) => `${reason.guid} (${reason.name})`)
      .join(', ')}`,
  );
}

/** `<availableFeedbackReasons>` as the root (NCMEC's fixture) or as a child of the root (pytx's reading). */
function parseReasons(xml: string): NcmecFeedbackReason[] {
  const root = parseXmlPage(xml);
  const list: XmlElement | undefined =
    root.name === 'availableFeedbackReasons'
      ? root
      : root.children.find((child) => child.name === 'availableFeedbackReasons');
  if (list === undefined) throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'no <availableFeedbackReasons>');
  return list.children
    .filter((child) => child.name === 'reason' && guidPattern.test(child.attributes.guid ?? ''))
    .map((child) => ({ guid: child.attributes.guid ?? '', name: (child.attributes.name ?? '').slice(0, 200) }));
}
