import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A throwaway node-media-server (RTMP and HTTP-FLV) for tests and benchmarks, on 127.0.0.1 and
 * free ports chosen by the system. It runs as a child process, so its global state and its very
 * chatty logger stay out of the test process, and `close()` can always kill it. Its data and
 * record folders live in a temporary directory removed on close.
 */
export interface MediaServer {
  /** `rtmp://127.0.0.1:PORT`: publish to and play from `${rtmpUrl}/live/NAME`. */
  readonly rtmpUrl: string;
  /** `http://127.0.0.1:PORT`: HTTP-FLV at `${httpUrl}/live/NAME.flv`. */
  readonly httpUrl: string;
  /** The server's process id (tests check that nothing is left running). */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

/** Resolves once something accepts TCP connections on `port`, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const launcher = `
const NodeMediaServer = require(process.argv[1]);
const server = new NodeMediaServer(JSON.parse(process.argv[2]), '');
server.run();
const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
`;

/** Starts node-media-server; resolves once its RTMP and HTTP ports accept connections. */
export async function startMediaServer(): Promise<MediaServer> {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-media-server-'));
  const [rtmpPort, httpPort] = [await freePort(), await freePort()];
  const config = {
    bind: '127.0.0.1',
    notify: { url: '' },
    store: { path: join(directory, 'data'), maxHistory: 10 },
    auth: { play: false, publish: false, secret: 'test-only-secret' },
    rtmp: { port: rtmpPort },
    http: { port: httpPort },
    webadmin: { enable: false },
    record: { auto: false, path: join(directory, 'record') },
  };
  const modulePath = createRequire(import.meta.url).resolve('node-media-server');
  const child: ChildProcess = spawn(process.execPath, ['-e', launcher, modulePath, JSON.stringify(config)], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await Promise.all([waitForPort(rtmpPort, 10_000), waitForPort(httpPort, 10_000)]);
  } catch (error) {
    await close();
    throw error;
  }
  return { rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}`, httpUrl: `http://127.0.0.1:${httpPort}`, pid: child.pid, close };
}
