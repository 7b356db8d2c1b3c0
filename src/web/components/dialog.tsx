// A modal dialog on the native <dialog>: the page behind is inert (focus stays inside), Escape and the close
// button call onClose, and focus returns to where it was when the dialog closes. It opens with focus on its first
// field (not the close button, where a typed space would close it), also when the fields load after it opens.
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
    // Until the user moves the focus themselves, the first field that shows up gets it.
    const close = dialog.querySelector<HTMLElement>(".dialog__header .icon-button");
    const untouched = () => document.activeElement === close || document.activeElement === dialog;
    const watcher = new MutationObserver(() => {
      if (!untouched()) watcher.disconnect();
      else if (focusFirstField(dialog)) watcher.disconnect();
    });
    if (!focusFirstField(dialog)) watcher.observe(dialog, { childList: true, subtree: true });
    // The browser may close it on its own (a second Escape); tell the owner so its state follows.
    const closed = () => onCloseRef.current();
    dialog.addEventListener("close", closed);
    return () => {
      watcher.disconnect();
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

const FIELD = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

/** Focus the dialog body's first field; false when it has none (yet). */
function focusFirstField(dialog: HTMLDialogElement): boolean {
  const field = dialog.querySelector<HTMLElement>(`.dialog__body :is(${FIELD})`);
  if (!field) return false;
  field.focus();
  return true;
}
