import { describe, expect, it } from "vitest";
import { linePoints, perDay, topOf } from "@/features/system/line-scale";

describe("line charts", () => {
  it("keeps a little room above the largest value, and an axis for zeros", () => {
    expect(topOf([10, 50, 20])).toBeCloseTo(55);
    expect(topOf([0, 0])).toBe(1);
    expect(topOf([])).toBe(1);
  });

  it("places samples by time and value", () => {
    const points = linePoints(
      [
        { at: 0, value: 0 },
        { at: 50, value: 5 },
        { at: 100, value: 10 },
      ],
      0,
      100,
      10,
      200,
      100,
    );
    expect(points).toBe("0.0,100.0 100.0,50.0 200.0,0.0");
  });

  it("skips values that are not numbers", () => {
    expect(linePoints([{ at: 0, value: Number.NaN }], 0, 1, 1, 10, 10)).toBe("");
  });

  it("summarises per local day: last value, or the mean", () => {
    const day1 = new Date(2026, 10, 25, 9).getTime();
    const day1Later = new Date(2026, 10, 25, 18).getTime();
    const day2 = new Date(2026, 10, 26, 9).getTime();
    const series = [[10, 20, 30]];
    expect(perDay([day1, day1Later, day2], series)).toEqual([
      { day: "2026-11-25", values: [20] },
      { day: "2026-11-26", values: [30] },
    ]);
    expect(perDay([day1, day1Later, day2], series, true)[0]?.values).toEqual([15]);
  });
});
