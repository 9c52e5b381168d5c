import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { stopChild } from './child-process.js';

/** The Debian nats-server (apt `nats-server`); tests that need it skip, saying why, without it. */
export const natsServerPath = '/usr/sbin/nats-server';

/** Why NATS tests cannot run here, or undefined when they can. */
export function natsSkipReason(): string | undefined {
  return existsSync(natsServerPath) ? undefined : `${natsServerPath} is not installed (apt-get install nats-server)`;
}

/**
 * A private JetStream server for one test: `nats-server -js -a 127.0.0.1 -p <port> -sd <dir>`.
 * `stop()` ends it (SIGTERM, then SIGKILL after 5 s); `start()` again on the same port and store
 * directory brings back its streams, as a server that went away and came back.
 */
export class PrivateNatsServer {
  #process: ChildProcess | undefined;

  constructor(
    readonly port: number,
    readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(natsServerPath, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], {
      stdio: 'ignore',
    });
    this.#process = child;
    // Ready when a client connects (bounded: 50 tries, 100 ms apart).
    for (let attempt = 0; attempt < 50; attempt++) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      try {
        const connection = await connect({ servers: this.url, timeout: 500, reconnect: false });
        await connection.close();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('nats-server did not become ready');
  }

  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child !== undefined) await stopChild(child, 5000);
  }
}
