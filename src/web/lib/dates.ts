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
