import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, as the kernel hands one out for port 0 (then released, so the
 * caller's server can take it). The one copy every test helper and benchmark uses.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
