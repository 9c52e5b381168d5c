import { useEffect, useRef } from 'react';

/** One keyboard shortcut: the key as `KeyboardEvent.key` reports it, and what it does. */
export interface Shortcut {
  readonly key: string;
  readonly label: string;
  readonly run: () => void;
}

/** True when the key press belongs to a field being typed in (shortcuts never fire there). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(type);
}

/**
 * Binds single-key shortcuts on the document while `enabled`: no modifier keys (Ctrl, Alt, Meta),
 * never while typing in a field, never on a key already handled, never behind an open dialog
 * (but `?`, which toggles the shortcut list). The latest `shortcuts` are used
 * without re-binding.
 */
export function useShortcuts(shortcuts: readonly Shortcut[], enabled = true): void {
  const current = useRef(shortcuts);
  current.current = shortcuts;
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
      if (isTyping(event.target)) return;
      // Behind an open dialog (the shortcut list) nothing on the page reacts, except `?` closing it.
      if (event.key !== '?' && document.querySelector('dialog[open]') !== null) return;
      const shortcut = current.current.find((candidate) => candidate.key === event.key);
      if (shortcut === undefined) return;
      event.preventDefault();
      shortcut.run();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}
