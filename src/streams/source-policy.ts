import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEgressTarget, type EgressPolicy, type HostResolver, isHostAllowed } from '../content/index.js';
import { EngineError } from '../core/index.js';
import type { SourceKind } from './stream-types.js';

/** URL schemes a stream may use: RTMP(S), RTSP, and HTTP(S) for HLS playlists and HTTP-FLV. */
export const streamSchemes = ['rtmp', 'rtmps', 'rtsp', 'http', 'https'] as const;
export type StreamScheme = (typeof streamSchemes)[number];

/**
 * Which sources a watcher may open. ffmpeg opens far more than streams (local files, `concat:`,
 * `subfile:`, `pipe:`, devices), so a server that lets API callers name a URL must refuse
 * everything else, and must not become a way to reach internal hosts it was not meant to reach.
 *
 * - `schemes`: allowed URL schemes (default all of `streamSchemes`);
 * - `allowFiles`: local file paths and `file:` URLs (default false on the server; the CLI allows them);
 * - `allowedHosts`: host names (`media.example.org`, `*.example.org` for subdomains, IP
 *   literals, any of them with `:port` to allow that port only); empty allows any host. A host
 *   named here may be on a private network: listing it is the operator's explicit permission,
 *   which is how internal media servers are opened;
 * - `allowPrivateAddresses`: allow loopback, private and link-local addresses for any host (default
 *   false). Prefer naming hosts in `allowedHosts`.
 *
 * The URL is checked when the stream starts. After that, every HTTP(S) request ffmpeg makes
 * (redirects, HLS playlists, segments, keys) goes through a checked proxy (`startEgressProxy`)
 * that applies the same policy to each hop and connects to the address it checked. RTMP and RTSP
 * connections are made by ffmpeg itself: ffmpeg resolves the host again when it connects (a DNS
 * answer that changes in between is not caught) and follows RTSP redirects unchecked. Name such
 * hosts by IP address where that matters.
 */
export interface StreamSourcePolicy {
  readonly schemes: readonly StreamScheme[];
  readonly allowFiles: boolean;
  readonly allowedHosts: readonly string[];
  readonly allowPrivateAddresses: boolean;
}

/** The server default: network streams on public hosts only. */
export const defaultStreamSourcePolicy: StreamSourcePolicy = {
  schemes: streamSchemes,
  allowFiles: false,
  allowedHosts: [],
  allowPrivateAddresses: false,
};

/** The CLI's policy: the operator runs `prevail watch` on their own machine and may open anything listed. */
export const operatorStreamSourcePolicy: StreamSourcePolicy = {
  schemes: streamSchemes,
  allowFiles: true,
  allowedHosts: [],
  allowPrivateAddresses: true,
};

/** A source that passed the policy: what ffmpeg opens, and how it ends. */
export interface CheckedSource {
  /** What ffmpeg is given: the URL as written, or an absolute file path. */
  readonly source: string;
  readonly kind: SourceKind;
  /** Extra ffmpeg input options for this source (protocol allow-list). */
  readonly inputOptions: readonly string[];
  /**
   * For network sources: the policy every further connection must pass. The watcher runs ffmpeg
   * behind a checked proxy with it, so redirects and HLS segments are held to the same rules.
   */
  readonly egress?: EgressPolicy;
}

/**
 * Protocols ffmpeg may open (including nested opens) for network sources: for HTTP(S) sources
 * (HLS, HTTP-FLV, files over HTTP) only what HTTP needs, so that nothing they point at is opened
 * outside the checked proxy; for RTMP and RTSP the transports they use.
 */
const httpProtocols = 'http,https,tcp,tls,httpproxy,crypto';
const networkProtocols = 'tcp,udp,rtp,srtp,tls,rtmp,rtmps,rtmpt,rtmpts,rtsp,rtsps,http,https,httpproxy,crypto';

/** The port ffmpeg connects to when the URL names none. */
const defaultPorts: Record<StreamScheme, number> = { rtmp: 1935, rtmps: 443, rtsp: 554, http: 80, https: 443 };

const videoFileExtension = /\.(mp4|m4v|mov|mkv|webm|avi|wmv|mpg|mpeg|ts|3gp|ogv)$/i;

/**
 * How a source ends (see `SourceKind`): a file path or a video file URL is a `file`, an `.m3u8`
 * playlist is `hls`, anything else (RTMP, RTSP, HTTP-FLV, other HTTP URLs) is `live`.
 */
export function classifySource(source: string): SourceKind {
  const url = parseUrl(source);
  if (url === undefined || url.protocol === 'file:') return 'file';
  if (/\.m3u8$/i.test(url.pathname)) return 'hls';
  if ((url.protocol === 'http:' || url.protocol === 'https:') && videoFileExtension.test(url.pathname)) return 'file';
  return 'live';
}

/**
 * Checks `text` against `policy` and says how to open it.
 *
 * `resolveHost` replaces the system resolver (tests).
 *
 * @throws EngineError `URL_INVALID` (malformed, or a scheme or a file the policy refuses),
 *   `URL_HOST_NOT_ALLOWED` (a host outside `allowedHosts`, or one that is or resolves to a private
 *   address the policy does not allow), `URL_FETCH_FAILED` (the host name does not resolve).
 * @example
 * const { source, kind } = await checkStreamSource('rtmp://media.example.org/live/abc', policy);
 */
export async function checkStreamSource(
  text: string,
  policy: StreamSourcePolicy,
  resolveHost?: HostResolver,
): Promise<CheckedSource> {
  const trimmed = text.trim();
  if (trimmed === '') throw new EngineError('URL_INVALID', 'the stream URL is empty');
  const url = parseUrl(trimmed);
  if (url === undefined || url.protocol === 'file:') {
    if (!policy.allowFiles) {
      throw new EngineError(
        'URL_INVALID',
        `not a stream URL: ${redactUrl(trimmed)} (allowed schemes: ${policy.schemes.join(', ')}; this server does not open files)`,
      );
    }
    const path = url === undefined ? resolve(trimmed) : fileURLToPath(url);
    return { source: path, kind: 'file', inputOptions: ['-protocol_whitelist', 'file,crypto'] };
  }
  const scheme = url.protocol.slice(0, -1);
  if (!(policy.schemes as readonly string[]).includes(scheme)) {
    throw new EngineError(
      'URL_INVALID',
      `the ${scheme}: scheme is not allowed for streams (allowed: ${policy.schemes.join(', ')})`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new EngineError('URL_INVALID', `the stream URL has no host: ${redactUrl(trimmed)}`);
  const egress: EgressPolicy = {
    allowedHosts: policy.allowedHosts,
    allowPrivateAddresses: policy.allowPrivateAddresses,
  };
  const port = url.port === '' ? defaultPorts[scheme as StreamScheme] : Number(url.port);
  if (policy.allowedHosts.length === 0) {
    if (!policy.allowPrivateAddresses) await checkEgressTarget(host, port, egress, resolveHost);
  } else if (!isHostAllowed(host, policy.allowedHosts, port)) {
    // A named host is not resolved here: it may have a private address, and the proxy checks each hop.
    throw new EngineError('URL_HOST_NOT_ALLOWED', `${host} is not in the allowed stream hosts`);
  }
  const http = scheme === 'http' || scheme === 'https';
  return {
    source: trimmed,
    kind: classifySource(trimmed),
    inputOptions: ['-protocol_whitelist', http ? httpProtocols : networkProtocols],
    egress,
  };
}

/**
 * ffmpeg input options that make an RTMP stream start sooner: read no more than 32 KB and 0.2 s
 * of it to find its video stream (FLV announces the codec and size in its first tags, so probing
 * longer only waits), and pass packets on without buffering. Measured (docs/streams.md) joining a
 * local RTMP stream on the loaded development machine: the first frame 1.7–2.5 s after ffmpeg
 * started, against 4.7–5.6 s with ffmpeg's defaults, which then also delivered the server's
 * cached frames seconds late before catching up. Other schemes are left as they are: an HLS or
 * MPEG-TS source needs its probing to find its streams.
 */
export function fastStartOptions(source: string): readonly string[] {
  return /^rtmps?:\/\//i.test(source)
    ? ['-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '32768', '-analyzeduration', '200000']
    : [];
}

/**
 * The source as status, logs and messages show it: credentials become `***` and query values are
 * hidden (`?token=***`), since stream URLs often carry keys. File paths are shown as they are.
 *
 * @example redactUrl('rtsp://admin:secret@10.0.0.5/cam?auth=abc') // 'rtsp://***@10.0.0.5/cam?auth=***'
 */
export function redactUrl(source: string): string {
  const url = parseUrl(source);
  if (url === undefined || url.protocol === 'file:') return source;
  const credentials = url.username !== '' || url.password !== '' ? '***@' : '';
  const query = [...url.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=***`).join('&');
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${query !== '' ? `?${query}` : ''}`;
}

/** The URL when `text` is one with a scheme of two letters or more (so `C:\…` stays a path). */
function parseUrl(text: string): URL | undefined {
  if (isAbsolute(text) || !/^[a-z][a-z0-9+.-]+:/i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
