/**
 * The builder thread of `SharedPdqIndex.rebuildInBackground`: builds one generation
 * (`buildGeneration`) from the arrays posted to it and posts the new arrays back (shared memory:
 * nothing is copied either way), so that the main thread keeps answering lookups meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { buildGeneration, type GenerationInput } from './pdq-generation-build.js';

parentPort?.once('message', (input: GenerationInput) => {
  try {
    parentPort?.postMessage({ built: buildGeneration(input) });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
