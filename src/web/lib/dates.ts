// Calendar days as the API sends them ("YYYY-MM-DD"), computed in the browser's own time zone without UTC drift.

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD" of a Date in local time. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function todayIso(): string {
  return isoDay(new Date());
}

/** A valid "YYYY-MM-DD" (a real calendar day), else null. */
export function parseDay(text: string | null | undefined): Date | null {
  const match = DAY_RE.exec(text ?? "");
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day, 12); // noon: no daylight-saving edge moves it to another day
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date : null;
}

export function isDay(text: string | null | undefined): text is string {
  return parseDay(text) !== null;
}

/** The day `days` after (or before, if negative) `day`. */
export function addDays(day: string, days: number): string {
  const date = parseDay(day);
  if (!date) throw new Error(`not a day: ${day}`);
  date.setDate(date.getDate() + days);
  return isoDay(date);
}

/** The due-date helpers (+1d/+3d/+7d): move an existing due date, or count from today when there is none. */
export function shiftDue(current: string | null | undefined, days: number, today: string): string {
  return addDays(isDay(current) ? current : today, days);
}

const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
});
const shortFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const compactFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });

/** "5 May 2026", for table cells on narrow screens. */
export function formatCompactDay(day: string): string {
  const date = parseDay(day);
  return date ? compactFormat.format(date) : day;
}

/** "Tue, 5 May 2026" for a "YYYY-MM-DD"; the text itself when it is not one. */
export function formatDay(day: string | null | undefined, empty = ""): string {
  if (!day) return empty;
  const date = parseDay(day);
  return date ? dayFormat.format(date) : day;
}

/** "5 May", for chart labels and cards. */
export function formatShortDay(day: string): string {
  const date = parseDay(day);
  return date ? shortFormat.format(date) : day;
}

// --- instants (timestamps from the API) -------------------------------------------------------------------------
// One way to show a moment everywhere: in the viewer's locale, in the user's time zone when their profile sets one
// (else the browser's), and relative ("2 h ago") where recency matters, with the absolute time one hover away.

/** An ISO timestamp as a Date. The API's timestamps carry their offset; one without is UTC, like every stored one. */
export function parseInstant(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso) || !iso.includes("T") ? iso : `${iso}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

const absoluteFormats = new Map<string, Intl.DateTimeFormat>();

function absoluteFormat(zone: string | undefined): Intl.DateTimeFormat {
  const key = zone ?? "";
  let format = absoluteFormats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
    } catch {
      format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }); // an unknown zone
    }
    absoluteFormats.set(key, format);
  }
  return format;
}

/** "5 Dec 2026, 14:30" (as the viewer's locale writes it) for an ISO timestamp; `empty` when there is none, the
 * text itself when it is not a timestamp. `zone`: an IANA time zone, else the browser's. */
export function formatDateTime(iso: string | null | undefined, empty = "never", zone?: string): string {
  if (!iso) return empty;
  const date = parseInstant(iso);
  return date ? absoluteFormat(zone || undefined).format(date) : iso;
}

/** "5 Dec 2026" for a moment (milliseconds since the epoch), on the calendar of `zone` (else the browser's). */
export function formatInstantDay(at: number, zone?: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: zone || undefined }).format(at);
  } catch {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(at); // an unknown zone
  }
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Beyond this, a date says more than "3 weeks ago". */
const RELATIVE_LIMIT = 7 * DAY;

/** "now", "5 min. ago", "2 hr. ago", "yesterday", "3 days ago" (the viewer's locale's words) within a week,
 * in either direction; the absolute time beyond. */
export function formatRelative(iso: string | null | undefined, now: number, empty = "never", zone?: string): string {
  const date = parseInstant(iso);
  if (!date) return iso ? iso : empty;
  const delta = date.getTime() - now;
  const size = Math.abs(delta);
  if (size >= RELATIVE_LIMIT) return formatDateTime(iso, empty, zone);
  if (size < MINUTE) return relative.format(0, "second");
  if (size < HOUR) return relative.format(Math.round(delta / MINUTE), "minute");
  if (size < DAY) return relative.format(Math.round(delta / HOUR), "hour");
  return relative.format(Math.round(delta / DAY), "day");
}
