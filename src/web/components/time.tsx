// A moment from the API, shown the one way the app shows them (lib/dates): relative ("2 hr. ago") where recency
// matters, else absolute, always with the absolute time in the user's time zone as the tooltip and a machine-readable
// <time>.
import { useContext } from "preact/hooks";
import { formatDateTime, formatRelative, parseInstant } from "@/lib/dates";
import { SessionContext } from "@/lib/session";

type Props = {
  value: string | null | undefined;
  /** "2 hr. ago" instead of "5 Dec 2026, 14:30" (within a week; older moments show their date either way). */
  relative?: boolean;
  /** Shown when there is no moment. */
  empty?: string;
};

/** The signed-in user's own time zone when their profile sets one; else the browser's (undefined). */
export function useTimeZone(): string | undefined {
  return useContext(SessionContext)?.user.time_zone || undefined;
}

/** For a moment inside a text (a message, a title): formats as <Time> does, in the user's time zone. */
export function useFormatTime(): (value: string | null | undefined, empty?: string) => string {
  const zone = useTimeZone();
  return (value, empty = "—") => formatDateTime(value, empty, zone);
}

export function Time({ value, relative = false, empty = "never" }: Props) {
  const zone = useTimeZone();
  const date = parseInstant(value);
  if (!value || !date) return <>{value || empty}</>;
  const absolute = formatDateTime(value, empty, zone);
  return (
    <time dateTime={date.toISOString()} title={absolute}>
      {relative ? formatRelative(value, Date.now(), empty, zone) : absolute}
    </time>
  );
}
