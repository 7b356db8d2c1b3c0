// Confirmation before destructive actions: `if (await confirm({...})) ...` from any page, instead of confirm().
import { type ComponentChildren, createContext } from "preact";
import { useCallback, useContext, useId, useRef, useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";

export type ConfirmOptions = {
  title: string;
  message: ComponentChildren;
  /** Text of the button that goes ahead, e.g. "Delete user". */
  confirmLabel: string;
  /** Red button for actions that destroy something. */
  danger?: boolean;
};

type Confirm = (options: ConfirmOptions) => Promise<boolean>;
type Pending = ConfirmOptions & { resolve: (ok: boolean) => void };

const ConfirmContext = createContext<Confirm>(() => Promise.resolve(false));

export function ConfirmProvider({ children }: { children: ComponentChildren }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const current = useRef<Pending | null>(null);

  const settle = useCallback((ok: boolean) => {
    current.current?.resolve(ok);
    current.current = null;
    setPending(null);
  }, []);

  const confirm = useCallback<Confirm>(
    (options) =>
      new Promise<boolean>((resolve) => {
        current.current?.resolve(false); // a newer question replaces an unanswered one
        current.current = { ...options, resolve };
        setPending(current.current);
      }),
    [],
  );

  return (
    <ConfirmContext value={confirm}>
      {children}
      {pending && <ConfirmDialog options={pending} onAnswer={settle} />}
    </ConfirmContext>
  );
}

function ConfirmDialog({ options, onAnswer }: { options: ConfirmOptions; onAnswer: (ok: boolean) => void }) {
  const messageId = useId();
  return (
    <Dialog title={options.title} role="alertdialog" describedBy={messageId} onClose={() => onAnswer(false)}>
      <div id={messageId} class="dialog__message">
        {options.message}
      </div>
      <div class="dialog__actions">
        {/* Focus starts on Cancel: Enter on a destructive dialog should not destroy. */}
        <button type="button" class="button" autofocus onClick={() => onAnswer(false)}>
          Cancel
        </button>
        <button
          type="button"
          class={options.danger ? "button button--danger" : "button button--primary"}
          onClick={() => onAnswer(true)}
        >
          {options.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

export function useConfirm(): Confirm {
  return useContext(ConfirmContext);
}
