import { describe, expect, it } from "vitest";
import { niceMax, scaleBars } from "@/features/dashboard/chart-scale";

describe("niceMax", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 1, 2, 3, 5, 6, 9, 10, 11, 27, 51, 200, 201].map(niceMax)).toEqual([
      1, 1, 2, 5, 5, 10, 10, 10, 20, 50, 100, 200, 500,
    ]);
    expect(niceMax(Number.NaN)).toBe(1);
  });
});

describe("scaleBars", () => {
  it("scales counts against the nice top", () => {
    const { top, bars } = scaleBars([0, 5, 10], 300, 100, 10);
    expect(top).toBe(10);
    expect(bars.map((bar) => bar.height)).toEqual([0, 50, 100]);
    expect(bars.map((bar) => bar.y)).toEqual([100, 50, 0]);
    expect(bars[1]).toMatchObject({ x: 105, width: 90 });
  });

  it("keeps small non-zero bars visible and ignores bad values", () => {
    const { bars } = scaleBars([1, 1000, -3, Number.NaN], 40, 100, 0);
    expect(bars[0]?.height).toBe(2);
    expect(bars[2]?.height).toBe(0);
    expect(bars[3]?.height).toBe(0);
  });

  it("handles an empty series", () => {
    expect(scaleBars([], 100, 50)).toEqual({ top: 1, bars: [] });
  });
});
