// Scaling for the small line charts of the System page: time on x, values on y from 0 to a rounded top.

export type Sample = { at: number; value: number };

/** A top for the y axis a little above the largest value (at least 1, so a flat zero line still has an axis). */
export function topOf(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  const max = Math.max(0, ...finite);
  return max <= 0 ? 1 : max * 1.1;
}

/** An SVG polyline `points` attribute for `samples` in a plot of `width` x `height` between times `from` and `to`. */
export function linePoints(
  samples: readonly Sample[],
  from: number,
  to: number,
  top: number,
  width: number,
  height: number,
): string {
  const span = Math.max(to - from, 1);
  return samples
    .filter((sample) => Number.isFinite(sample.value))
    .map((sample) => {
      const x = ((sample.at - from) / span) * width;
      const y = height - (Math.max(0, sample.value) / top) * height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

/** One row per local day (oldest first): the day's last value of each series, or its mean when `mean` is set. */
export function perDay(
  times: readonly number[],
  series: readonly (readonly number[])[],
  mean = false,
): { day: string; values: number[] }[] {
  const days = new Map<string, { sums: number[]; last: number[]; count: number }>();
  times.forEach((at, index) => {
    const date = new Date(at);
    const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
    const values = series.map((values) => values[index] ?? 0);
    const entry = days.get(day) ?? { sums: values.map(() => 0), last: values, count: 0 };
    entry.sums = entry.sums.map((sum, i) => sum + (values[i] ?? 0));
    entry.last = values;
    entry.count += 1;
    days.set(day, entry);
  });
  return [...days.entries()].map(([day, entry]) => ({
    day,
    values: mean ? entry.sums.map((sum) => sum / entry.count) : entry.last,
  }));
}
