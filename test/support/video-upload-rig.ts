import type { LightMyRequestResponse } from 'fastify';
import { createApiKey } from '../../src/auth/index.js';
import { startTestServer } from './server-harness.js';
import { multipartBody } from './upload-server.js';
import { openVideoClips, type VideoClips } from './video-clips.js';

/**
 * A test server (`startTestServer`) with a `write` key and a `read` key, and a directory for
 * generated clips (`openVideoClips`): what the `/v1` tests that upload videos share. Check
 * `ffmpegSkipReason` first.
 */
export interface VideoUploadRig {
  readonly server: Awaited<ReturnType<typeof startTestServer>>;
  readonly clips: VideoClips;
  /** A key with the `write` scope. */
  readonly writer: string;
  /** A key with the `read` scope. */
  readonly reader: string;
  /** The authorization header of `secret`. */
  auth(secret: string): { authorization: string };
  /** POSTs `bytes` as the multipart field `file` to `url` with the key `secret`. */
  upload(url: string, secret: string, bytes: Uint8Array): Promise<LightMyRequestResponse>;
  /** Closes the server and removes the clips. */
  close(): Promise<void>;
}

/** Opens a `VideoUploadRig`; `prefix` names its clips' directory. */
export async function openVideoUploadRig(prefix: string): Promise<VideoUploadRig> {
  const clips = await openVideoClips(prefix);
  const server = await startTestServer({});
  const writer = (await createApiKey(server.services.storage.apiKeys, 'writer', ['write'])).secret;
  const reader = (await createApiKey(server.services.storage.apiKeys, 'reader', ['read'])).secret;
  const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });
  return {
    server,
    clips,
    writer,
    reader,
    auth,
    upload: (url, secret, bytes) => {
      const body = multipartBody('file', bytes);
      return server.app.inject({
        method: 'POST',
        url,
        headers: { ...auth(secret), ...body.headers },
        payload: body.payload,
      });
    },
    close: async () => {
      await server.close();
      await clips.remove();
    },
  };
}
