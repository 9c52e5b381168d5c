import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { EngineError, toEngineError } from '../core/index.js';
import { checkEgressTarget, type EgressPolicy, type HostResolver } from './egress-target.js';

/** A running checked proxy: give `url` to the HTTP client (ffmpeg's `-http_proxy`). */
export interface EgressProxy {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Requests and tunnels forwarded so far (each after passing the policy). */
  readonly forwarded: number;
  /** Stops listening and cuts every open connection; resolves when the server is closed. */
  close(): Promise<void>;
}

/** How a proxy reports and resolves. */
export interface EgressProxyOptions {
  /** Called once per refused target, with the coded error (`URL_HOST_NOT_ALLOWED`, `URL_FETCH_FAILED`, `URL_INVALID`). */
  readonly onRefused?: (error: EngineError) => void;
  /** Host name resolution (default: the system resolver). */
  readonly resolve?: HostResolver;
  /** A forwarded connection idle this long is cut (default 60 s). */
  readonly idleTimeoutMs?: number;
}

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1), plus proxy credentials. */
const hopByHop = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Starts an HTTP forward proxy on 127.0.0.1 that checks every request against `policy` before it
 * leaves the machine: plain `http://` requests (absolute-form, as clients send them to a proxy)
 * and `CONNECT host:port` tunnels (how HTTPS goes through a proxy; TLS stays end to end, so the
 * certificate is still checked against the real host name). Each target is resolved once, checked
 * (`checkEgressTarget`: allow-list with ports, every DNS answer public unless allowed), and the
 * proxy connects to exactly the checked address, so DNS rebinding cannot slip past.
 *
 * Redirects are not followed here: the client follows them, and its next request comes through
 * the proxy and is checked like the first. That is why ffmpeg reads HTTP sources through it: an
 * HLS playlist's segments, keys and variant playlists, and every redirect, pass the same policy
 * as the URL the caller gave.
 *
 * A refused target gets `403` (or a refused tunnel) and `onRefused` hears the coded error.
 */
export async function startEgressProxy(policy: EgressPolicy, options: EgressProxyOptions = {}): Promise<EgressProxy> {
  const sockets = new Set<Duplex>();
  // The proxy's own pool of upstream connections, destroyed with it (none lingers after a watcher ends).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  let forwarded = 0;
  const refuse = (error: unknown): EngineError => {
    const engineError = toEngineError(error);
    options.onRefused?.(engineError);
    return engineError;
  };
  const check = (host: string, port: number) => checkEgressTarget(host, port, policy, options.resolve);

  const server = http.createServer((request, response) => {
    void forwardRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(toEngineError(error).message);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    void openTunnel(request, client, head);
  });

  async function forwardRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('a proxy request names an absolute http URL');
      return;
    }
    if (target.protocol !== 'http:') {
      const error = refuse(new EngineError('URL_INVALID', `the proxy forwards http: only, not ${target.protocol}`));
      response.writeHead(403, { 'content-type': 'text/plain' }).end(error.message);
      return;
    }
    const port = target.port === '' ? 80 : Number(target.port);
    let address: Awaited<ReturnType<typeof check>>;
    try {
      address = await check(target.hostname, port);
    } catch (error) {
      const engineError = refuse(error);
      response.writeHead(403, { 'content-type': 'text/plain' }).end(`${engineError.code}: ${engineError.message}`);
      return;
    }
    forwarded += 1;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!hopByHop.has(name) && value !== undefined) headers[name] = value;
    }
    await new Promise<void>((resolve, reject) => {
      const upstream = http.request(
        {
          host: address.address,
          family: address.family,
          port,
          method: request.method,
          path: `${target.pathname}${target.search}`,
          headers,
          setHost: false,
          agent,
          timeout: idleTimeoutMs,
        },
        (answer) => {
          const back: OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (!hopByHop.has(name) && value !== undefined) back[name] = value;
          }
          response.writeHead(answer.statusCode ?? 502, back);
          answer.pipe(response);
          answer.once('end', resolve);
          answer.once('error', reject);
        },
      );
      upstream.once('timeout', () => upstream.destroy(new Error('the upstream server went idle')));
      upstream.once('error', reject);
      response.once('close', () => {
        upstream.destroy();
        resolve();
      });
      request.pipe(upstream);
    });
  }

  async function openTunnel(request: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let host: string;
    let port: number;
    try {
      const target = new URL(`http://${request.url ?? ''}`);
      if (target.port === '' || target.pathname !== '/') throw new Error('not host:port');
      host = target.hostname;
      port = Number(target.port);
    } catch {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    let address: Awaited<ReturnType<typeof check>>;
    try {
      address = await check(host, port);
    } catch (error) {
      const engineError = refuse(error);
      client.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${engineError.code}: ${engineError.message}`,
      );
      return;
    }
    forwarded += 1;
    const upstream = connect({ host: address.address, port, family: address.family });
    sockets.add(upstream);
    upstream.setTimeout(idleTimeoutMs, () => upstream.destroy());
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    get forwarded() {
      return forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
