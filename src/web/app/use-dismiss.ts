// Popups of the top bar (the user menu, the status badges' explanations) close the same way.
import { useEffect } from "preact/hooks";

/** Closes a popup on Escape (returning focus to its button), or when a click or focus lands outside it. */
export function useDismiss(
  open: boolean,
  container: { current: HTMLElement | null },
  close: () => void,
  refocus: () => void,
): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      close();
      refocus();
    };
    const onOutside = (event: Event) => {
      if (!container.current?.contains(event.target as Node)) close();
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onOutside);
    document.addEventListener("focusin", onOutside);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onOutside);
      document.removeEventListener("focusin", onOutside);
    };
  }, [open]);
}
