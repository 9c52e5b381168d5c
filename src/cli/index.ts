/**
 * The `prevail` command line: the composition root for one-shot commands. This is the module's
 * only public door. `main` is the executable entry; `runCli` runs one command line against given
 * streams, so tests and embedders drive the CLI without a child process. `useCliSettings`,
 * `serverSettings` and `watchCommand` are here so a test can set the process settings, check the
 * server settings a `serve` command line makes, or run `watch` with injected dependencies;
 * `startDemo` so a flow test can run the seeded demo server `prevail demo` runs.
 */
export { useCliSettings } from './cli-settings.js';
export { startDemo } from './commands/demo-command.js';
export { serverSettings } from './commands/serve-command.js';
export { type WatchCommandDependencies, watchCommand } from './commands/watch-command.js';
export type { CliIo } from './io.js';
export { main, runCli } from './main.js';
