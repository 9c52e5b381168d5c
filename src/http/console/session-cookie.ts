import { fastifyCookie } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The console's session cookie: the session token, HttpOnly, SameSite=Strict, Path=/console. */
export const sessionCookieName = 'prevail_session';

/** A cookie's value on the request (parsed by @fastify/cookie, or from the header when it has not run). */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const parsed = request.cookies as Record<string, string | undefined> | undefined;
  if (parsed !== undefined) return parsed[name];
  const header = request.headers.cookie;
  return header === undefined ? undefined : fastifyCookie.parse(header)[name];
}

/** Host names only this machine reaches: `localhost`, `127.x.y.z`, `[::1]`. */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return name === 'localhost' || name === '[::1]' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * Whether cookies set on this request get `Secure`: always, unless the request came over plain
 * HTTP to a loopback name (the local demo on `http://127.0.0.1`). Behind a TLS-terminating
 * proxy the request arrives over HTTP but names the public host, so the cookie is `Secure`, as
 * the browser (which spoke HTTPS) needs; plain HTTP off loopback therefore cannot hold a session.
 */
export function secureCookies(request: Pick<FastifyRequest, 'protocol' | 'host'>): boolean {
  if (request.protocol !== 'http') return true;
  const host = request.host;
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return !isLoopbackName(hostname);
}

/** Sets the session cookie; it lasts until the session's absolute end. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string): void {
  reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/console',
    secure: secureCookies(request),
    maxAge: Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000)),
  });
}

/** Removes the session cookie from the browser. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/console',
    secure: secureCookies(request),
  });
}
