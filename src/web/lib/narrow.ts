// Whether the screen is phone-narrow, for layouts that change their markup (not just their CSS) there: a table that
// becomes cards, filters that fold away. The width matches the shell's own phone breakpoint (app/styles.css).
import { useEffect, useState } from "preact/hooks";

export const NARROW_QUERY = "(max-width: 720px)";

export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => typeof matchMedia === "function" && matchMedia(NARROW_QUERY).matches);
  useEffect(() => {
    if (typeof matchMedia !== "function") return; // the unit tests' simulated DOM has none
    const query = matchMedia(NARROW_QUERY);
    const follow = () => setNarrow(query.matches);
    follow();
    query.addEventListener("change", follow);
    return () => query.removeEventListener("change", follow);
  }, []);
  return narrow;
}
