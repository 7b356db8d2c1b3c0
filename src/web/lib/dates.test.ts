import { describe, expect, it } from "vitest";
import {
  addDays,
  formatDateTime,
  formatInstantDay,
  formatRelative,
  isDay,
  isoDay,
  parseDay,
  parseInstant,
  shiftDue,
} from "@/lib/dates";

describe("days", () => {
  it("formats and parses local calendar days", () => {
    expect(isoDay(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
    expect(parseDay("2026-02-30")).toBeNull();
    expect(parseDay("2026-2-3")).toBeNull();
    expect(isDay("2024-02-29")).toBe(true);
    expect(isDay("")).toBe(false);
  });

  it("adds days across months, years and daylight-saving changes", () => {
    expect(addDays("2026-01-31", 1)).toBe("2026-02-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addDays("2026-10-24", 7)).toBe("2026-10-31");
  });

  it("shifts a due date, or counts from today when there is none", () => {
    expect(shiftDue("2026-05-30", 3, "2026-01-01")).toBe("2026-06-02");
    expect(shiftDue(null, 1, "2026-01-01")).toBe("2026-01-02");
    expect(shiftDue("garbage", 7, "2026-01-01")).toBe("2026-01-08");
  });
});

describe("instants", () => {
  const at = "2026-12-05T02:30:00.123456+00:00";
  const now = Date.parse("2026-12-05T04:30:00Z");

  it("reads the API's timestamps, with microseconds, an offset, or none (UTC)", () => {
    expect(parseInstant(at)?.toISOString()).toBe("2026-12-05T02:30:00.123Z");
    expect(parseInstant("2026-12-05T02:30:00.123456")?.toISOString()).toBe("2026-12-05T02:30:00.123Z");
    expect(parseInstant("2026-12-05T03:30:00+01:00")?.toISOString()).toBe("2026-12-05T02:30:00.000Z");
    expect(parseInstant("not a date")).toBeNull();
    expect(parseInstant(null)).toBeNull();
  });

  it("formats one way, in the given time zone, never as the raw text", () => {
    const expected = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Asia/Tokyo",
    }).format(new Date("2026-12-05T02:30:00Z"));
    expect(formatDateTime(at, "never", "Asia/Tokyo")).toBe(expected);
    expect(formatDateTime(at, "never", "Asia/Tokyo")).not.toContain("123456");
    expect(formatDateTime(null)).toBe("never");
    expect(formatDateTime(at, "never", "Not/AZone")).not.toBe(at); // an unknown zone falls back to the browser's
  });

  it("gives a moment's day on the calendar of the user's zone (chart labels)", () => {
    const lateInLondon = Date.parse("2026-12-05T22:00:00Z"); // already 6 December in Tokyo
    const day = (zone: string) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: zone });
    expect(formatInstantDay(lateInLondon, "Asia/Tokyo")).toBe(day("Asia/Tokyo").format(lateInLondon));
    expect(formatInstantDay(lateInLondon, "Europe/London")).toBe(day("Europe/London").format(lateInLondon));
    expect(formatInstantDay(lateInLondon, "Asia/Tokyo")).not.toBe(formatInstantDay(lateInLondon, "Europe/London"));
    expect(formatInstantDay(lateInLondon, "Not/AZone")).toMatch(/2026/);
  });

  it("says how long ago within a week, and the date beyond", () => {
    const words = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
    expect(formatRelative(at, now)).toBe(words.format(-2, "hour"));
    expect(formatRelative("2026-12-05T04:25:00Z", now)).toBe(words.format(-5, "minute"));
    expect(formatRelative("2026-12-05T04:29:50Z", now)).toBe(words.format(0, "second"));
    expect(formatRelative("2026-12-03T04:00:00Z", now)).toBe(words.format(-2, "day"));
    expect(formatRelative("2026-11-01T04:00:00Z", now, "never", "UTC")).toBe(
      formatDateTime("2026-11-01T04:00:00Z", "never", "UTC"),
    );
    expect(formatRelative(undefined, now)).toBe("never");
  });
});
