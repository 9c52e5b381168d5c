/**
 * Jobs: one runner for periodic work (retention purges and anything periodic later) that
 * catches, logs and retries every run, so that no job can become an unhandled rejection.
 */
export { type JobLogger, stderrJobLogger } from './job-logger.js';
export { type JobDefinition, type JobRun, JobRunner, type JobRunnerOptions } from './job-runner.js';
