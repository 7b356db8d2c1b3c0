// "What the top bar shows may have changed": a page that changed it (saving the LLM settings) says so, and the top
// bar's LLM chip and health badge ask again at once instead of at their next poll (up to a minute later).
import { useEffect, useRef } from "preact/hooks";

const EVENT = "devcell:status-changed";

export function announceStatusChange(): void {
  window.dispatchEvent(new Event(EVENT));
}

/** Calls `listener` whenever a page announces a change (not on mount). */
export function useStatusChange(listener: () => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const call = () => latest.current();
    window.addEventListener(EVENT, call);
    return () => window.removeEventListener(EVENT, call);
  }, []);
}
