/** The pure kernel shared by every module: the error type, its code registry, branded types. */
export type { Brand } from './brand.js';
export { describeIssueList, describeIssues, type ValidationIssue } from './describe-issues.js';
export { EngineError, isEngineError, toEngineError } from './engine-error.js';
export { allErrorCodes, type ErrorCode, errorCodes } from './error-codes.js';
export { defaultMaxJsonDepth, jsonDepth, parseJsonWithin } from './json-depth.js';
export { mapOrdered } from './map-ordered.js';
