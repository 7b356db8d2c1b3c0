import { describe, expect, it } from "vitest";
import { addDays, isDay, isoDay, parseDay, shiftDue } from "@/lib/dates";

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
