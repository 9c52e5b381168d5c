import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { allows, useSession } from '../session';
import type { MediaItem } from '../types';
import { BreakScreen } from './BreakScreen';
import { MediaTile } from './MediaTile';

/**
 * The case's media: blurred renditions only, each revealable after a warning (with
 * `media.reveal`). At the exposure limit (a reveal refused with `EXPOSURE_LIMIT`, or the status
 * `stop`) the whole panel becomes the break screen (a hard stop) — once nothing is shown in the
 * clear, so the reveal that reached the limit is still seen for its seconds; the soft warning (`status: 'warn'`) shows above the items.
 */
export function MediaPanel({ media }: { readonly media: readonly MediaItem[] }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const mayReveal = allows(session.data, 'media.reveal');
  const exposure = useQuery({ queryKey: ['exposure'], queryFn: api.exposure, enabled: mayReveal, staleTime: 30_000 });
  const [stopped, setStopped] = useState<string | null>(null);
  // Items shown in the clear right now: a hard stop reached by the last reveal waits until they blur again.
  const [clear, setClear] = useState<ReadonlySet<string>>(new Set());
  const showing = (id: string, shown: boolean) =>
    setClear((current) => {
      if (current.has(id) === shown) return current;
      const next = new Set(current);
      if (shown) next.add(id);
      else next.delete(id);
      return next;
    });
  const refreshExposure = () => void queryClient.invalidateQueries({ queryKey: ['exposure'] });

  if (media.length === 0) return <p className="muted">No media on this case.</p>;
  if ((stopped !== null || exposure.data?.status === 'stop') && clear.size === 0) {
    return (
      <BreakScreen
        message={
          stopped ?? exposure.data?.suggestion?.message ?? 'You have reached your exposure limit: reveals are paused.'
        }
        suggestion={exposure.data?.suggestion ?? null}
      />
    );
  }
  return (
    <div data-testid="media-panel">
      {exposure.data?.status === 'warn' && (
        <p className="notice warn" role="status" data-testid="exposure-soft-warning">
          You are close to your exposure limit.{' '}
          {exposure.data.suggestion?.message ?? 'Reveal only what the decision needs.'}
        </p>
      )}
      <p className="muted">
        Previews are small, blurred and greyscale. Nothing plays or shows clearly unless you reveal it.
      </p>
      <div className="media-grid">
        {media.map((item, index) => (
          <MediaTile
            key={item.id}
            item={item}
            index={index}
            mayReveal={mayReveal}
            onRevealed={refreshExposure}
            onShown={(shown) => showing(item.id, shown)}
            onExposureLimit={(message) => {
              setStopped(message);
              refreshExposure();
            }}
          />
        ))}
      </div>
    </div>
  );
}
