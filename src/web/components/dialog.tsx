// A modal dialog on the native <dialog>: the page behind is inert (focus stays inside), Escape and the close
// button call onClose, and focus returns to where it was when the dialog closes.
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";

type Props = {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** "alertdialog" for confirmations that interrupt the user. */
  role?: "dialog" | "alertdialog";
  describedBy?: string;
  /** Wider dialogs for forms. */
  wide?: boolean;
  /** A panel along the right edge (full width on phones) instead of a centred box. */
  drawer?: boolean;
};

export function Dialog({ title, onClose, children, role = "dialog", describedBy, wide, drawer }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    // The browser may close it on its own (a second Escape); tell the owner so its state follows.
    const closed = () => onCloseRef.current();
    dialog.addEventListener("close", closed);
    return () => {
      dialog.removeEventListener("close", closed);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={drawer ? "dialog dialog--drawer" : wide ? "dialog dialog--wide" : "dialog"}
      role={role === "alertdialog" ? "alertdialog" : undefined}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div class="dialog__header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <div class="dialog__body">{children}</div>
    </dialog>
  );
}
