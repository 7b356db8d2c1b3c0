// Scaling for the small bar chart: a "nice" top value (1, 2, 5 × 10^n) and bar heights in pixels.

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is >= max (at least 1, so an empty chart still has an axis). */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

export type Bar = { x: number; y: number; width: number; height: number };

/** Bars for `counts` in a plot `width` x `height`, with `gap` pixels between bars; a count > 0 is at least 2 px. */
export function scaleBars(
  counts: readonly number[],
  width: number,
  height: number,
  gap = 4,
): { top: number; bars: Bar[] } {
  const clean = counts.map((raw) => (Number.isFinite(raw) && raw > 0 ? raw : 0));
  const top = niceMax(Math.max(0, ...clean));
  const slot = counts.length > 0 ? width / counts.length : 0;
  const barWidth = Math.max(1, slot - gap);
  const bars = clean.map((count, index) => {
    const barHeight = count === 0 ? 0 : Math.max(2, (count / top) * height);
    return { x: index * slot + (slot - barWidth) / 2, y: height - barHeight, width: barWidth, height: barHeight };
  });
  return { top, bars };
}
