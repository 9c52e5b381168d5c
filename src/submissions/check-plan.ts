import { EngineError } from '../core/index.js';
import type { SubmissionPlan } from './submission-records.js';
import { checkCaseId, hasControlCharacter } from './text-checks.js';

/** Most files one report carries (a bound on hostile plans, far above any real report). */
export const maxFilesPerReport = 1000;

/** Largest report document accepted (NCMEC's own limits are far lower for the texts in it). */
export const maxReportXmlLength = 5 * 1024 * 1024;

function invalid(message: string): EngineError {
  return new EngineError('REQUEST_INVALID', message);
}

/**
 * Checks a plan before anything is stored, so a hostile or broken plan leaves nothing behind:
 * a printable idempotency key of 1–200 characters, a positive case id, a `<report>` document
 * (≤ 5 MiB, no NUL or other control characters), at most 1,000 files each with a plain file name
 * (no path, 1–255 characters), one source (`evidenceId` or an http(s) `url`) and JSON details.
 *
 * @throws EngineError `REQUEST_INVALID` naming the first problem.
 */
export function checkPlan(plan: SubmissionPlan): void {
  if (typeof plan !== 'object' || plan === null) throw invalid('a submission plan is an object');
  const key = plan.idempotencyKey;
  if (typeof key !== 'string' || key.trim() === '' || key.length > 200 || hasControlCharacter(key))
    throw invalid('the idempotency key is 1 to 200 printable characters');
  checkCaseId(plan.caseId);
  if (typeof plan.reportXml !== 'string' || !/^\s*(<\?xml[^>]*\?>\s*)?<report[\s>]/.test(plan.reportXml))
    throw invalid('the report is a <report> XML document');
  if (plan.reportXml.length > maxReportXmlLength || hasControlCharacter(plan.reportXml, true))
    throw invalid('the report is at most 5 MiB of XML text without control characters');
  if (
    plan.actor !== undefined &&
    (typeof plan.actor !== 'string' || plan.actor.trim() === '' || plan.actor.length > 200)
  )
    throw invalid('the actor is 1 to 200 characters');
  if (plan.supplemental !== undefined && typeof plan.supplemental !== 'boolean')
    throw invalid('supplemental is true or false');
  if (!Array.isArray(plan.files) || plan.files.length > maxFilesPerReport)
    throw invalid(`a report has a list of at most ${maxFilesPerReport} files`);
  plan.files.forEach((file, position) => {
    const where = `file ${position + 1}`;
    if (
      typeof file?.name !== 'string' ||
      file.name.trim() === '' ||
      file.name.length > 255 ||
      /[/\\]/.test(file.name) ||
      hasControlCharacter(file.name)
    )
      throw invalid(`${where}: the name is 1 to 255 characters, no path, no control characters`);
    const source = file.source as Record<string, unknown> | undefined;
    const keys = source === undefined || source === null ? [] : Object.keys(source);
    if (keys.length !== 1) throw invalid(`${where}: the source is { evidenceId } or { url }`);
    if (keys[0] === 'evidenceId') {
      const id = source?.evidenceId;
      if (typeof id !== 'string' || id === '' || id.length > 200 || hasControlCharacter(id))
        throw invalid(`${where}: the evidence id is 1 to 200 printable characters`);
    } else if (keys[0] === 'url') {
      const url = source?.url;
      if (typeof url !== 'string' || url.length > 8192 || !/^https?:\/\/[^\s]+$/.test(url))
        throw invalid(`${where}: the URL is an http(s) URL without spaces`);
    } else throw invalid(`${where}: the source is { evidenceId } or { url }`);
    let json: string | undefined;
    try {
      json = JSON.stringify(file.details);
    } catch {
      json = undefined;
    }
    if (json === undefined) throw invalid(`${where}: the details are not JSON-serialisable`);
  });
}
