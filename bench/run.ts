/**
 * Benchmark dispatcher: `npm run bench -- NAME [options]`. Each benchmark prints its comparison
 * side by side, the machine, and, as its last line, one JSON object (also written to
 * `bench/results/NAME.json`).
 */
const benchmarks: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  'pdq-hash': () => import('./pdq-hash.js'),
  'pdq-index': () => import('./pdq-index.js'),
  'index-threads': () => import('./index-threads.js'),
  import: () => import('./import.js'),
  rules: () => import('./rules.js'),
  stream: () => import('./stream.js'),
  'stream-cost': () => import('./stream-cost.js'),
  'stream-quality': () => import('./stream-quality.js'),
  'stream-probe': () => import('./stream-probe.js'),
  tmk: () => import('./tmk.js'),
  payments: () => import('./payments.js'),
  'payments-eval': () => import('./payments-eval.js'),
  uploads: () => import('./uploads.js'),
  console: () => import('./console.js'),
  actions: () => import('./actions.js'),
  exchange: () => import('./exchange.js'),
  'chat-text': () => import('./chat-text.js'),
  chat: () => import('./chat.js'),
  workers: () => import('./workers.js'),
  'feature-store': () => import('./feature-store.js'),
  'open-neighbours': () => import('./open-neighbours.js'),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : benchmarks[name];
if (load === undefined) {
  console.error(`usage: npm run bench -- NAME\nbenchmarks: ${Object.keys(benchmarks).join(', ')}`);
  process.exitCode = 2;
} else {
  await (await load()).run(args);
}
