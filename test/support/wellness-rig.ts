import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { AuditLog } from '../../src/audit/index.js';
import type { CaseTimelineEntry } from '../../src/cases/index.js';
import type { FetchPolicy } from '../../src/content/index.js';
import { EvidenceVault } from '../../src/evidence/index.js';
import type { Person, Role } from '../../src/people/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { WellnessService, type WellnessServiceOptions } from '../../src/wellness/index.js';
import { startLocalServer } from './http-server.js';

/** A console person with these roles (opted in to child-safety work when they hold that role). */
export function person(login: string, roles: readonly Role[]): Person {
  return {
    id: login.length,
    login,
    displayName: login,
    roles,
    childSafetyOptInAt: roles.includes('child_safety_reviewer') ? '2026-01-01T00:00:00.000Z' : null,
    disabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export const reviewer = person('alice', ['child_safety_reviewer']);
export const otherReviewer = person('bob', ['child_safety_reviewer']);
export const analyst = person('carol', ['payments_analyst']);
export const wellnessLead = person('dana', ['wellness_lead']);
export const admin = person('erin', ['admin']);

/** A `media.matched` timeline entry whose event carries `media`. */
export function matchEntry(
  caseId: number,
  ref: string,
  media: Record<string, unknown>,
  category?: string,
): CaseTimelineEntry {
  return {
    caseId,
    kind: 'match',
    ref: `event:${ref}`,
    time: '2026-12-01T10:00:00.000Z',
    summary: 'media.matched user=u1',
    detail: {
      id: ref,
      type: 'media.matched',
      entities: { user: 'u1' },
      data: {
        matches: [
          { bank: 'TEST_BANK', contentId: 1, signalType: 'pdq', distance: 0, ...(category ? { category } : {}) },
        ],
        media,
      },
    },
  };
}

/** The 2-D Laplacian energy of a greyscale version of `image` at `size`×`size` (high-frequency content). */
export async function laplacianEnergy(image: Uint8Array, size = 128): Promise<number> {
  const { data, info } = await sharp(image)
    .resize(size, size, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 1; y < info.height - 1; y++) {
    for (let x = 1; x < info.width - 1; x++) {
      const at = (dx: number, dy: number) => data[(y + dy) * info.width + x + dx] ?? 0;
      sum += Math.abs(4 * at(0, 0) - at(-1, 0) - at(1, 0) - at(0, -1) - at(0, 1));
    }
  }
  return sum / ((info.width - 2) * (info.height - 2));
}

/** A benign picture with sharp edges (shapes on a gradient), so that blur shows clearly. */
export async function shapesImage(width = 640, height = 480): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#2060c0"/><stop offset="1" stop-color="#f0c040"/></linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/>
  ${Array.from({ length: 40 }, (_, index) => `<rect x="${(index * 53) % width}" y="${(index * 37) % height}" width="24" height="24" fill="${index % 2 === 0 ? '#ffffff' : '#000000'}"/>`).join('')}
  <circle cx="${width / 2}" cy="${height / 2}" r="${height / 5}" fill="#d02020"/>
  <text x="20" y="${height - 30}" font-size="40" font-family="sans-serif" fill="#000">benign test</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A test rig: real storage (SQLite unless given), the real audit log, a local media server, a clock. */
export interface WellnessRig {
  readonly storage: Storage;
  readonly wellness: WellnessService;
  readonly timelines: Map<number, CaseTimelineEntry[]>;
  /** `http://127.0.0.1:PORT`; `/<name>` serves `files.get(name)`. */
  readonly mediaUrl: string;
  readonly files: Map<string, Uint8Array>;
  readonly vault: EvidenceVault;
  clock: number;
  close(): Promise<void>;
}

export async function wellnessRig(
  options: { storage?: Storage; fetchPolicy?: Partial<FetchPolicy>; service?: Partial<WellnessServiceOptions> } = {},
): Promise<WellnessRig> {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-wellness-test-'));
  const storage = options.storage ?? (await openStorage({ dataDir: directory }));
  const audit = new AuditLog(storage.engine.audit);
  const files = new Map<string, Uint8Array>();
  const server = await startLocalServer((request: IncomingMessage, response: ServerResponse) => {
    const body = files.get((request.url ?? '/').slice(1));
    if (body === undefined) {
      response.statusCode = 404;
      response.end();
      return;
    }
    response.setHeader('content-type', 'application/octet-stream');
    response.end(body);
  });
  const vault = new EvidenceVault({
    directory: join(directory, 'evidence'),
    key: randomBytes(32),
    audit: (action) => audit.record(action),
  });
  const timelines = new Map<number, CaseTimelineEntry[]>();
  const rig: WellnessRig = {
    storage,
    timelines,
    mediaUrl: server.url,
    files,
    vault,
    clock: Date.parse('2026-12-02T09:00:00.000Z'),
    wellness: undefined as unknown as WellnessService,
    close: async () => {
      await server.close();
      await storage.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
  (rig as { wellness: WellnessService }).wellness = new WellnessService({
    repository: storage.wellness,
    audit,
    secret: Buffer.alloc(32, 7),
    timelineOf: async (id) => timelines.get(id),
    fetchPolicy: {
      maxBytes: 5_000_000,
      timeoutMs: 5000,
      allowedHosts: ['127.0.0.1'],
      allowPrivateAddresses: true,
      ...options.fetchPolicy,
    },
    evidence: vault,
    decode: { maxPixels: 4_000_000, maxVideoFrames: 4, videoTimeoutMs: 30_000 },
    rotationQueues: () => ['payments'],
    now: () => rig.clock,
    ...options.service,
  });
  return rig;
}
