// My completed tasks over the last 14 days: a small inline SVG bar chart, with the same numbers as a table
// for screen readers (and for anyone who opens "Show as table").
import { useState } from "preact/hooks";
import type { DayCount } from "@/features/dashboard/api";
import { scaleBars } from "@/features/dashboard/chart-scale";
import { formatDay, formatShortDay } from "@/lib/dates";

const WIDTH = 420;
const HEIGHT = 120;
const LABEL_SPACE = 18;
const AXIS_SPACE = 24;

export function CompletedChart({ days }: { days: DayCount[] }) {
  const [asTable, setAsTable] = useState(false);
  const total = days.reduce((sum, day) => sum + day.count, 0);
  const { top, bars } = scaleBars(
    days.map((day) => day.count),
    WIDTH - AXIS_SPACE,
    HEIGHT,
  );
  const summary = `${total} ${total === 1 ? "task" : "tasks"} completed in the last ${days.length} days`;
  return (
    <figure class="chart">
      <figcaption class="chart__caption">{summary}</figcaption>
      <svg
        class="chart__svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT + LABEL_SPACE}`}
        role="img"
        aria-label={`Bar chart: ${summary}. The table has the numbers per day.`}
        preserveAspectRatio="xMidYMid meet"
      >
        <line class="chart__axis" x1={AXIS_SPACE} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} />
        <text class="chart__tick" x={AXIS_SPACE - 4} y={10} text-anchor="end">
          {top}
        </text>
        <text class="chart__tick" x={AXIS_SPACE - 4} y={HEIGHT} text-anchor="end">
          0
        </text>
        {bars.map((bar, index) => {
          const day = days[index];
          if (!day) return null;
          return (
            <g key={day.day}>
              <rect class="chart__bar" x={bar.x + AXIS_SPACE} y={bar.y} width={bar.width} height={bar.height}>
                <title>
                  {formatDay(day.day)}: {day.count}
                </title>
              </rect>
              {(index % 2 === 1 || index === bars.length - 1) && (
                <text class="chart__label" x={bar.x + AXIS_SPACE + bar.width / 2} y={HEIGHT + 14} text-anchor="middle">
                  {formatShortDay(day.day)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <button type="button" class="link-button" aria-expanded={asTable} onClick={() => setAsTable(!asTable)}>
        {asTable ? "Hide the table" : "Show as table"}
      </button>
      <table class={asTable ? "table chart__table" : "visually-hidden"}>
        <caption class="visually-hidden">Tasks I completed per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Completed</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.day}>
              <td>{formatDay(day.day)}</td>
              <td>{day.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
