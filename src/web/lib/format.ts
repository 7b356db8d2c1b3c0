// Dates and times as the reader's browser shows them.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "25 Nov 2026, 19:31" for an ISO timestamp from the API; `empty` when there is none. */
export function formatDateTime(iso: string | null | undefined, empty = "never"): string {
  if (!iso) return empty;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Time zone names for a <datalist>: UTC first, then every zone the browser knows. */
export function timeZoneNames(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];
  }
  return ["UTC", ...zones.filter((zone) => zone !== "UTC")];
}
