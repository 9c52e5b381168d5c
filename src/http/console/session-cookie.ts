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

/**
 * Whether cookies set on this request get `Secure`: always, unless the request came over plain
 * HTTP (the local demo on `http://127.0.0.1`); behind a TLS-terminating proxy, set Fastify's
 * `trustProxy` so that `request.protocol` says `https`.
 */
export function secureCookies(request: FastifyRequest): boolean {
  return request.protocol !== 'http';
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
