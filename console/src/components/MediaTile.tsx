import { useMutation, useQuery } from '@tanstack/react-query';
import { type SyntheticEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { humanize } from '../format';
import type { MediaItem, Reveal } from '../types';
import { ErrorNotice } from './ErrorNotice';
import { RevealWarning } from './RevealWarning';

/** The most filmstrip frames shown (the server takes at most 8 key frames). */
const maxFrames = 16;

/** No saving, dragging or context menu on any media element. */
const guard = {
  draggable: false,
  referrerPolicy: 'no-referrer' as const,
  onContextMenu: (event: SyntheticEvent) => event.preventDefault(),
  onDragStart: (event: SyntheticEvent) => event.preventDefault(),
};

/**
 * Whether a warning screen comes before revealing an item of this harm (the server's rule): the
 * category's key, then the typology's, then `*`; warn when nothing says otherwise (or the
 * preferences are not loaded yet).
 */
function warnsBefore(screens: Readonly<Record<string, boolean>> | undefined, harm: MediaItem['harm']): boolean {
  if (screens === undefined) return true;
  if (harm.category !== null && screens[harm.category] !== undefined) return screens[harm.category] === true;
  if (harm.typology !== null && screens[harm.typology] !== undefined) return screens[harm.typology] === true;
  return screens['*'] ?? true;
}

/**
 * One media item, safely. By default only the server's small blurred greyscale rendition
 * (`/media/:id/rendition`, fetched once; its `x-frame-count` says how many key frames a video has,
 * shown as a filmstrip of blurred frames, `?frame=N`: a video never plays; revealing a video
 * reveals the frame shown). "Reveal" first shows {@link RevealWarning} (unless the person's
 * warning screens say not to for this harm); confirming calls `POST /media/:id/reveal`
 * and shows the one-time URL's image, which blurs again after `revealSeconds`, when the tab is
 * hidden, on Escape, or when the item is left (unmount). A 429 `EXPOSURE_LIMIT` is handed to
 * `onExposureLimit` (the panel shows the break screen). No download links, no dragging, no
 * context menu, no referrer.
 */
export function MediaTile({
  item,
  index,
  mayReveal,
  onExposureLimit,
  onRevealed,
  onShown,
}: {
  readonly item: MediaItem;
  readonly index: number;
  readonly mayReveal: boolean;
  readonly onExposureLimit: (message: string) => void;
  readonly onRevealed: () => void;
  /** Told true when the item shows in the clear, false when it is blurred again (or goes away). */
  readonly onShown: (shown: boolean) => void;
}) {
  const [mode, setMode] = useState<'blurred' | 'warning' | 'revealed'>('blurred');
  const [revealed, setRevealed] = useState<Reveal | null>(null);
  const [frame, setFrame] = useState(0);
  const [secondsLeft, setSecondsLeft] = useState(0);
  // Frame 0 of the rendition, loaded once: its headers say how many key frames a video has.
  const poster = useQuery({
    queryKey: ['rendition', item.id],
    queryFn: () => api.rendition(item.id),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: false,
  });
  const posterUrl = poster.data?.objectUrl;
  useEffect(() => () => (posterUrl !== undefined ? URL.revokeObjectURL(posterUrl) : undefined), [posterUrl]);
  const kind = poster.data?.kind ?? item.kind;
  const preferences = useQuery({ queryKey: ['preferences'], queryFn: api.preferences, enabled: mayReveal });
  const warns = warnsBefore(preferences.data?.preferences.warningScreens, item.harm);
  const reveal = useMutation({
    mutationFn: (reason: string) => api.reveal(item.id, { reason, ...(kind === 'video' ? { frame } : {}) }),
    onSuccess: (data) => {
      setRevealed(data);
      setSecondsLeft(Math.max(1, Math.round(data.revealSeconds)));
      setMode('revealed');
      onRevealed();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'EXPOSURE_LIMIT') {
        setMode('blurred');
        onExposureLimit(error.message);
      }
    },
  });
  const shown = mode === 'revealed';
  const tellShown = useRef(onShown);
  tellShown.current = onShown;
  useEffect(() => {
    if (!shown) return undefined;
    tellShown.current(true);
    return () => tellShown.current(false);
  }, [shown]);
  const blurAgain = () => {
    setMode('blurred');
    setRevealed(null);
  };

  // The countdown: the clear image goes away when it reaches zero.
  useEffect(() => {
    if (mode !== 'revealed') return undefined;
    const timer = window.setInterval(() => {
      setSecondsLeft((left) => {
        if (left <= 1) {
          setMode('blurred');
          setRevealed(null);
          return 0;
        }
        return left - 1;
      });
    }, 1000);
    const hide = () => {
      setMode('blurred');
      setRevealed(null);
    };
    const onHidden = () => {
      if (document.visibilityState === 'hidden') hide();
    };
    const onEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') hide();
    };
    document.addEventListener('visibilitychange', onHidden);
    document.addEventListener('keydown', onEscape);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onHidden);
      document.removeEventListener('keydown', onEscape);
    };
  }, [mode]);

  const name = `${kind === 'video' ? 'Video' : 'Image'} ${index + 1}`;
  const frames = kind === 'video' ? Math.max(1, Math.min(poster.data?.frames ?? 1, maxFrames)) : 0;
  const preview = frame === 0 ? posterUrl : api.renditionUrl(item.id, frame);
  const harm = [item.harm.category, item.harm.typology].filter((value): value is string => value !== null);
  const refused = reveal.error instanceof ApiError && reveal.error.code === 'EXPOSURE_LIMIT' ? null : reveal.error;

  return (
    <figure
      className="media-tile"
      data-testid={`media-${item.id}`}
      data-mode={mode}
      onContextMenu={(event) => event.preventDefault()}
    >
      <figcaption>
        <strong>{name}</strong>
        {harm.length > 0 && <span className="muted"> · {harm.map(humanize).join(' · ')}</span>}
        <span className="muted"> · from {item.origin === 'evidence' ? 'the evidence vault' : 'the platform'}</span>
      </figcaption>
      {mode === 'revealed' && revealed !== null ? (
        <div className="media-frame revealed">
          <img
            src={revealed.url}
            alt={`${name}, revealed (watermarked with your login)`}
            className="media-clear"
            data-testid="media-revealed"
            {...guard}
          />
          <p role="status" className="countdown" data-testid="reveal-countdown">
            Blurs again in {secondsLeft} s
          </p>
          <button type="button" onClick={blurAgain} data-testid="blur-again">
            Blur again
          </button>
        </div>
      ) : (
        <div className="media-frame">
          {preview !== undefined ? (
            <img
              src={preview}
              alt={`${name}, blurred preview${kind === 'video' ? `, frame ${frame + 1} of ${frames}` : ''}`}
              className="media-blurred"
              width={160}
              data-testid="media-rendition"
              {...guard}
            />
          ) : (
            <p className="media-placeholder muted" role="status">
              {poster.isPending ? 'Loading the blurred preview…' : 'No preview.'}
            </p>
          )}
          <ErrorNotice error={poster.error} testId="rendition-error" />
          {kind === 'video' && frames > 1 && (
            <fieldset className="filmstrip" data-testid="filmstrip">
              <legend>Frames (blurred; the video does not play)</legend>
              {Array.from({ length: frames }, (_, position) => (
                <button
                  type="button"
                  // biome-ignore lint/suspicious/noArrayIndexKey: frames are positions
                  key={position}
                  className="frame"
                  aria-pressed={frame === position}
                  aria-label={`Frame ${position + 1}`}
                  onClick={() => setFrame(position)}
                >
                  <img
                    src={position === 0 ? posterUrl : api.renditionUrl(item.id, position)}
                    alt=""
                    width={48}
                    {...guard}
                  />
                </button>
              ))}
            </fieldset>
          )}
          {mayReveal && mode === 'blurred' && (
            <button
              type="button"
              onClick={() => (warns ? setMode('warning') : reveal.mutate(''))}
              disabled={reveal.isPending}
              data-testid="reveal"
            >
              Reveal…
            </button>
          )}
        </div>
      )}
      {mode === 'warning' && (
        <RevealWarning
          item={item}
          busy={reveal.isPending}
          onReveal={(reason) => reveal.mutate(reason)}
          onCancel={() => setMode('blurred')}
        />
      )}
      <ErrorNotice error={refused} testId="reveal-error" />
    </figure>
  );
}
