// Short notices in a corner instead of alert(): useToast()(message, kind) from any page. At most a few show at once
// (a repeated message replaces its older copy), and while any shows the page gets as much room below its end as
// they take, so the last rows can always be scrolled out from under them.
import { type ComponentChildren, createContext } from "preact";
import { useCallback, useContext, useLayoutEffect, useRef, useState } from "preact/hooks";
import "@/components/toast.css";

export type ToastKind = "info" | "success" | "error";
type Toast = { id: number; kind: ToastKind; message: string };
type ShowToast = (message: string, kind?: ToastKind) => void;

const MAX_TOASTS = 3;
const ToastContext = createContext<ShowToast>(() => undefined);
let nextId = 0;

export function ToastProvider({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const show = useCallback<ShowToast>(
    (message, kind = "info") => {
      const id = ++nextId;
      setToasts((all) => [
        ...all.filter((toast) => toast.message !== message).slice(1 - MAX_TOASTS),
        { id, kind, message },
      ]);
      setTimeout(() => dismiss(id), kind === "error" ? 10_000 : 5_000);
    },
    [dismiss],
  );
  const region = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState(0);
  // The corner's height and its distance from the screen's edge (1rem, app/styles.css), and a little air.
  useLayoutEffect(() => setRoom(toasts.length > 0 ? (region.current?.offsetHeight ?? 0) + 24 : 0), [toasts]);
  return (
    <ToastContext value={show}>
      {children}
      {room > 0 && <div class="toasts-room" style={{ height: `${room}px` }} />}
      <div class="toasts" aria-live="polite" ref={region}>
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
