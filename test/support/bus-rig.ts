import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { PrivateNatsServer } from './nats-server.js';
import { createPrivateDatabase, type PrivateDatabase } from './postgres.js';

/**
 * What bus mode (docs/scaling.md) needs, private to one test or benchmark: a temporary directory
 * (the data dir), an empty PostgreSQL database and a JetStream server on a free port whose store
 * is `<dir>/nats`. `close()` stops the server, drops the database and removes the directory.
 */
export interface BusRig {
  readonly dir: string;
  readonly database: PrivateDatabase;
  readonly nats: PrivateNatsServer;
  close(): Promise<void>;
}

/** Starts a `BusRig`; `name` (letters, digits, `_`) names the directory and the database. */
export async function startBusRig(name: string): Promise<BusRig> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  const database = await createPrivateDatabase(name);
  const nats = new PrivateNatsServer(await freePort(), join(dir, 'nats'));
  await nats.start();
  return {
    dir,
    database,
    nats,
    close: async () => {
      await nats.stop();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
