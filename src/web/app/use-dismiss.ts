// Popups of the top bar (the user menu, the status badges' explanations) close the same way.
import { useLayoutEffect } from "preact/hooks";

/**
 * Closes a popup on Escape (returning focus to its button), or when a click or focus lands outside it.
 * The listeners go on in a layout effect, in the same task that shows the popup: a plain effect waits for the next
 * paint, and an Escape pressed in between (a loaded machine, a quick hand) fell through and left the popup open.
 */
export function useDismiss(
  open: boolean,
  container: { current: HTMLElement | null },
  close: () => void,
  refocus: () => void,
): void {
  useLayoutEffect(() => {
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
