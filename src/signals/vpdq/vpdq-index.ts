import {
  checkOwner,
  groupHits,
  type IndexHit,
  MultiIndexPdqIndex,
  type SharedGroupedPdqIndex,
  type SignalIndex,
} from '../../indexes/index.js';
import { readVpdqFeatures } from './read-features.js';
import type { VpdqFeature } from './vpdq-feature.js';
import {
  defaultVpdqDistanceThreshold,
  defaultVpdqQualityThreshold,
  isVpdqMatch,
  matchableFrames,
  percent,
  type VpdqMatchOptions,
  vpdqDistanceOf,
} from './vpdq-match.js';

/** A video found by a vPDQ lookup: the `IndexHit` contract plus both match percentages. */
export interface VpdqHit extends IndexHit {
  /** Share of the query's unique good frames within the frame distance of this video's frames. */
  readonly queryMatchPercent: number;
  /** Share of this video's unique good frames within the frame distance of the query's frames. */
  readonly comparedMatchPercent: number;
  /** The query frame hash of the closest frame pair (`value` is the banked one). */
  readonly queryFrame: string;
}

/** True when an index hit came from a `VpdqIndex` (it carries the two percentages). */
export function isVpdqHit(hit: IndexHit): hit is VpdqHit {
  return 'queryMatchPercent' in hit && 'comparedMatchPercent' in hit;
}

/** One banked video: its owner and the ids of its unique good frames in the frame index. */
interface VideoEntry {
  readonly owner: number;
  readonly frameIds: readonly number[];
}

/** What one lookup gathered for one banked video. */
interface Tally {
  readonly queryFrames: Set<number>;
  readonly videoFrames: Set<number>;
  best: { distance: number; value: string; queryFrame: string };
}

/**
 * vPDQ lookup against many banked videos at once, the way python-threatexchange's `VPDQIndex`
 * does it with FAISS: every unique frame of quality ≥ 50 of every banked video goes into one PDQ
 * multi-index (exact for radius ≤ 31); a query video's unique good frames are each looked up
 * there, and per banked video the distinct query frames and the distinct banked frames that hit
 * are counted. Those counts give both percentages exactly as `compareVpdq` computes them between
 * the two videos, so the index agrees with brute force.
 *
 * As a `SignalIndex`, an owner (bank content id) holds vPDQ signal strings; `query(value,
 * maxDistance)` returns owners whose vPDQ distance (`100 − min(query %, compared %)`) is at most
 * `maxDistance`, each hit carrying both percentages (`VpdqHit`). `matchVideo` applies the two
 * percentage thresholds separately. `size` counts videos; `frames` counts indexed frames.
 *
 * Cost: one multi-index lookup per unique good query frame (a 10-minute video sampled at 1 fps:
 * 600 lookups), plus one set insertion per frame hit.
 *
 * The frames are kept in a `MultiIndexPdqIndex` on this thread, or, when the constructor is
 * given a `SharedGroupedPdqIndex`, in that (frame ids as entries, each owned by its video's
 * owner), so that a `PdqLookupPool` holding it answers `queryFrame`'s lookups in worker threads,
 * with the same answers (`groupHits` groups frame hits in either).
 */
export class VpdqIndex implements SignalIndex {
  readonly signalType: string;
  /** The frames, frame ids as owners: on this thread, or the shared index's entries. */
  readonly #frames: Pick<SignalIndex, 'query'>;
  readonly #heapFrames: MultiIndexPdqIndex | undefined;
  readonly #sharedFrames: SharedGroupedPdqIndex | undefined;
  readonly #options: Required<Pick<VpdqMatchOptions, 'distanceThreshold' | 'qualityThreshold'>> & VpdqMatchOptions;
  readonly #videos = new Map<number, VideoEntry>();
  readonly #videosByOwner = new Map<number, number[]>();
  /** Video entry id of each frame id (0 = free); frame ids are owners in `#frames`. */
  #videoOfFrame = new Int32Array(1024);
  readonly #freeFrameIds: number[] = [];
  #nextFrameId = 1;
  #nextVideoId = 1;
  #frameCount = 0;

  /**
   * @param options frame rules (distance 31, quality 50 by default) and the default percentage
   *   thresholds of `matchVideo` (80 % both ways).
   * @param signalType the signal it holds: `vpdq`, or `vpdq_dense` (a banked video's distinct
   *   frames, for frame lookups; see `vpdqDenseSignal`).
   * @param sharedFrames where to keep the frames so that a lookup pool's workers can answer
   *   frame lookups (empty, and used by this index only); absent: on this thread's heap.
   */
  constructor(options: VpdqMatchOptions = {}, signalType = 'vpdq', sharedFrames?: SharedGroupedPdqIndex) {
    this.signalType = signalType;
    this.#sharedFrames = sharedFrames;
    if (sharedFrames === undefined) {
      this.#heapFrames = new MultiIndexPdqIndex();
      this.#frames = this.#heapFrames;
    } else {
      this.#frames = { query: (value, maxDistance) => sharedFrames.queryEntries(value, maxDistance) };
    }
    this.#options = {
      ...options,
      distanceThreshold: options.distanceThreshold ?? defaultVpdqDistanceThreshold,
      qualityThreshold: options.qualityThreshold ?? defaultVpdqQualityThreshold,
    };
  }

  /** Number of banked videos (a content item may hold several; each counts). */
  get size(): number {
    return this.#videos.size;
  }

  /** Number of frame hashes in the frame index. */
  get frames(): number {
    return this.#frameCount;
  }

  /**
   * Adds a banked video's vPDQ signal for `owner`. Only its unique frames of good quality are
   * indexed; a video with none is kept (it counts in `size`) but can never be found.
   *
   * @throws EngineError `SIGNAL_INVALID_HASH` for a malformed signal, `INTERNAL` for a bad owner.
   */
  add(owner: number, value: string): void {
    checkOwner(owner);
    this.addFeatures(owner, readVpdqFeatures(value));
  }

  /** Adds already-parsed features for `owner` (see `add`). */
  addFeatures(owner: number, features: readonly VpdqFeature[]): void {
    checkOwner(owner);
    const videoId = this.#nextVideoId++;
    const frameIds = matchableFrames(features, this.#options.qualityThreshold).map((hash) => {
      const frameId = this.#allocateFrameId(videoId);
      if (this.#sharedFrames === undefined) this.#heapFrames?.add(frameId, hash);
      else this.#sharedFrames.add(frameId, owner, hash);
      return frameId;
    });
    this.#frameCount += frameIds.length;
    this.#videos.set(videoId, { owner, frameIds });
    const owned = this.#videosByOwner.get(owner);
    if (owned === undefined) this.#videosByOwner.set(owner, [videoId]);
    else owned.push(videoId);
  }

  remove(owner: number): void {
    const owned = this.#videosByOwner.get(owner);
    if (owned === undefined) return;
    for (const videoId of owned) {
      const video = this.#videos.get(videoId);
      if (video === undefined) continue;
      for (const frameId of video.frameIds) {
        (this.#sharedFrames ?? this.#heapFrames)?.remove(frameId);
        this.#videoOfFrame[frameId] = 0;
        this.#freeFrameIds.push(frameId);
      }
      this.#frameCount -= video.frameIds.length;
      this.#videos.delete(videoId);
    }
    this.#videosByOwner.delete(owner);
  }

  /** Builds the frame index's static tables now (loaders call it after a bulk load). */
  rebuild(): void {
    (this.#sharedFrames ?? this.#heapFrames)?.rebuild();
  }

  /**
   * As `rebuild`, in a builder thread when the frames are shared (lookups go on meanwhile); on
   * this thread otherwise. The matcher calls it after its bulk load.
   */
  async rebuildInBackground(): Promise<void> {
    if (this.#sharedFrames === undefined) this.rebuild();
    else await this.#sharedFrames.rebuildInBackground();
  }

  /**
   * Owners whose vPDQ distance to the query video is at most `maxDistance`, each once at its
   * smallest distance, ordered by distance then owner.
   *
   * @throws EngineError `SIGNAL_INVALID_HASH` for a malformed query signal.
   */
  query(value: string, maxDistance: number): VpdqHit[] {
    if (!(maxDistance >= 0)) return [];
    const hits = this.#hits(readVpdqFeatures(value), maxDistance >= 100);
    const best = new Map<number, VpdqHit>();
    for (const hit of hits) {
      if (hit.distance > maxDistance) continue;
      const known = best.get(hit.owner);
      if (known === undefined || hit.distance < known.distance) best.set(hit.owner, hit);
    }
    return [...best.values()].sort((a, b) => a.distance - b.distance || a.owner - b.owner);
  }

  /**
   * Owners of banked videos with a frame within `maxDistance` of one PDQ hash (a live-stream
   * frame or an image), each once at its closest frame, ordered by distance then owner: how a
   * stream showing a banked video is found frame by frame while it runs.
   */
  queryFrame(hash: string, maxDistance: number): IndexHit[] {
    if (this.#sharedFrames !== undefined) return this.#sharedFrames.query(hash, maxDistance);
    return groupHits(this.#frames.query(hash, maxDistance), (frameId) => this.#ownerOfFrame(frameId));
  }

  /**
   * Banked videos that match a query video under both percentage thresholds (defaults from the
   * constructor, else 80 % and 80 %), best first. One result per banked video.
   */
  matchVideo(features: readonly VpdqFeature[], thresholds: VpdqMatchOptions = {}): VpdqHit[] {
    const wanted = { ...this.#options, ...thresholds };
    return this.#hits(features, false)
      .filter((hit) => isVpdqMatch(hit, wanted))
      .sort((a, b) => a.distance - b.distance || a.owner - b.owner);
  }

  /** One hit per banked video with at least one frame hit (every video when `everyVideo`). */
  #hits(features: readonly VpdqFeature[], everyVideo: boolean): VpdqHit[] {
    const queryHashes = matchableFrames(features, this.#options.qualityThreshold);
    const tallies = new Map<number, Tally>();
    queryHashes.forEach((queryHash, queryIndex) => {
      for (const frameHit of this.#frames.query(queryHash, this.#options.distanceThreshold)) {
        const videoId = this.#videoOfFrame[frameHit.owner] ?? 0;
        let tally = tallies.get(videoId);
        if (tally === undefined) {
          tally = {
            queryFrames: new Set(),
            videoFrames: new Set(),
            best: { distance: frameHit.distance, value: frameHit.value, queryFrame: queryHash },
          };
          tallies.set(videoId, tally);
        } else if (frameHit.distance < tally.best.distance) {
          tally.best = { distance: frameHit.distance, value: frameHit.value, queryFrame: queryHash };
        }
        tally.queryFrames.add(queryIndex);
        tally.videoFrames.add(frameHit.owner);
      }
    });
    const hits: VpdqHit[] = [];
    const report = (videoId: number, tally: Tally | undefined): void => {
      const video = this.#videos.get(videoId);
      if (video === undefined) return;
      const percentages = {
        queryMatchPercent: percent(tally?.queryFrames.size ?? 0, queryHashes.length),
        comparedMatchPercent: percent(tally?.videoFrames.size ?? 0, video.frameIds.length),
      };
      hits.push({
        owner: video.owner,
        distance: vpdqDistanceOf(percentages),
        value: tally?.best.value ?? '',
        queryFrame: tally?.best.queryFrame ?? '',
        ...percentages,
      });
    };
    if (everyVideo) for (const videoId of this.#videos.keys()) report(videoId, tallies.get(videoId));
    else for (const [videoId, tally] of tallies) report(videoId, tally);
    return hits;
  }

  /** The owner of the video holding frame `frameId` (0: none). */
  #ownerOfFrame(frameId: number): number {
    return this.#videos.get(this.#videoOfFrame[frameId] ?? 0)?.owner ?? 0;
  }

  #allocateFrameId(videoId: number): number {
    const frameId = this.#freeFrameIds.pop() ?? this.#nextFrameId++;
    if (frameId >= this.#videoOfFrame.length) {
      const grown = new Int32Array(Math.max(frameId + 1, this.#videoOfFrame.length * 2));
      grown.set(this.#videoOfFrame);
      this.#videoOfFrame = grown;
    }
    this.#videoOfFrame[frameId] = videoId;
    return frameId;
  }
}
