/**
 * A child process for the exchange crash test: fetches one exchange of the SQLite store in
 * `argv[2]`, committing every 5 keys, and prints its report. The parent kills it mid-fetch.
 */
import { createServices } from '../../src/app/index.js';
import { testCredentialRing } from './exchange-servers.js';

const [dataDir, name] = process.argv.slice(2);
if (dataDir === undefined || name === undefined) throw new Error('usage: exchange-fetch-child <dataDir> <exchange>');
const services = await createServices(
  { dataDir },
  { loadIndexes: false, exchanges: { evidenceKeys: testCredentialRing, fetch: { commitEveryRecords: 5 } } },
);
try {
  process.stdout.write(`${JSON.stringify(await services.exchanges.fetch(name))}\n`);
} finally {
  await services.close();
}
