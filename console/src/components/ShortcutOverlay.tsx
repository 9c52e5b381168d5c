import { useEffect, useRef } from 'react';

/** Every shortcut the console has; the case view's work only there. */
const shortcuts: readonly { keys: string; what: string; where: string }[] = [
  { keys: '?', what: 'Show or hide this list', where: 'Everywhere' },
  { keys: 'c', what: 'Confirm', where: 'Case view' },
  { keys: 'd', what: 'Dismiss', where: 'Case view' },
  { keys: 'e', what: 'Escalate', where: 'Case view' },
  { keys: 'r', what: 'Enqueue for reporting', where: 'Case view' },
  { keys: '1 – 4', what: 'Classification A1, A2, B1, B2', where: 'Case view' },
  { keys: 's', what: 'Step away (return the case to the queue)', where: 'Case view' },
  { keys: 'n', what: 'Next case in the queue', where: 'Case view' },
  { keys: 'Esc', what: 'Close a dialog; hide revealed media', where: 'Everywhere' },
];

/**
 * The `?` overlay: a modal dialog listing the shortcuts. Focus moves into it and returns to where
 * it was when it closes (Escape, the button, or a click on the backdrop). Shortcuts never fire
 * while typing in a field.
 */
export function ShortcutOverlay({ onClose }: { readonly onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (element !== null && !element.open) element.showModal();
    return () => {
      element?.close();
      previous?.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="overlay"
      aria-labelledby="shortcuts-heading"
      data-testid="shortcut-overlay"
      onClose={onClose}
      onCancel={onClose}
    >
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <table>
        <caption className="visually-hidden">Keys and what they do</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Action</th>
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {shortcuts.map((shortcut) => (
            <tr key={shortcut.keys}>
              <td>
                <kbd>{shortcut.keys}</kbd>
              </td>
              <td>{shortcut.what}</td>
              <td>{shortcut.where}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Shortcuts do nothing while you type in a field.</p>
      <button type="button" onClick={onClose} data-testid="close-shortcuts">
        Close
      </button>
    </dialog>
  );
}
