import { defaultMaxPixels } from '../../src/content/index.js';

/** `prevail demo`'s options for tests: an ephemeral loopback port over `dataDir`, default limits. */
export function demoOptions(dataDir: string) {
  return {
    dataDir,
    host: '127.0.0.1',
    port: 0,
    hmaOpen: false,
    maxUploadBytes: 20 * 1024 * 1024,
    maxPixels: defaultMaxPixels,
    urlTimeout: 5000,
    allowHost: [],
    allowPrivate: false,
  };
}
