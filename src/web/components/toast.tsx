// Short notices in a corner instead of alert(): useToast()(message, kind) from any page.
import { type ComponentChildren, createContext } from "preact";
import { useCallback, useContext, useState } from "preact/hooks";

export type ToastKind = "info" | "success" | "error";
type Toast = { id: number; kind: ToastKind; message: string };
type ShowToast = (message: string, kind?: ToastKind) => void;

const MAX_TOASTS = 4;
const ToastContext = createContext<ShowToast>(() => undefined);
let nextId = 0;

export function ToastProvider({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const show = useCallback<ShowToast>(
    (message, kind = "info") => {
      const id = ++nextId;
      setToasts((all) => [...all.slice(1 - MAX_TOASTS), { id, kind, message }]);
      setTimeout(() => dismiss(id), kind === "error" ? 10_000 : 5_000);
    },
    [dismiss],
  );
  return (
    <ToastContext value={show}>
      {children}
      <div class="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} class={`toast toast--${toast.kind}`} role={toast.kind === "error" ? "alert" : undefined}>
            <span>{toast.message}</span>
            <button type="button" class="toast__close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext>
  );
}

export function useToast(): ShowToast {
  return useContext(ToastContext);
}
