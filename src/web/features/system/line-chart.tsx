// A small SVG line chart over time (one or two series), with a one-line summary as its caption and the numbers
// per day as a table for screen readers (and for anyone who opens "Show as table").
import { useState } from "preact/hooks";
import { useTimeZone } from "@/components/time";
import { linePoints, perDay, topOf } from "@/features/system/line-scale";
import { formatInstantDay } from "@/lib/dates";

const WIDTH = 420;
const HEIGHT = 110;
const AXIS_SPACE = 56;
const LABEL_SPACE = 18;

export type Line = { label: string; values: number[] };

type Props = {
  title: string;
  summary: string;
  times: number[];
  lines: Line[];
  format: (value: number) => string;
  /** Table rows show each day's mean instead of its last value (rates rather than levels). */
  mean?: boolean;
};

export function LineChart({ title, summary, times, lines, format, mean = false }: Props) {
  const [asTable, setAsTable] = useState(false);
  const zone = useTimeZone();
  const top = topOf(lines.flatMap((line) => line.values));
  const from = times[0] ?? 0;
  const to = times[times.length - 1] ?? 1;
  const plot = WIDTH - AXIS_SPACE;
  const rows = perDay(
    times,
    lines.map((line) => line.values),
    mean,
  );
  return (
    <figure class="chart line-chart">
      <figcaption class="chart__caption">
        <strong>{title}</strong> {summary}
      </figcaption>
      <svg
        class="chart__svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT + LABEL_SPACE}`}
        role="img"
        aria-label={`Line chart, ${title}: ${summary}. The table has the numbers per day.`}
        preserveAspectRatio="xMidYMid meet"
      >
        <line class="chart__axis" x1={AXIS_SPACE} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} />
        <text class="chart__tick" x={AXIS_SPACE - 4} y={10} text-anchor="end">
          {format(top)}
        </text>
        <text class="chart__tick" x={AXIS_SPACE - 4} y={HEIGHT} text-anchor="end">
          {format(0)}
        </text>
        {lines.map((line, index) => (
          <polyline
            key={line.label}
            class={`line-chart__line line-chart__line--${index}`}
            transform={`translate(${AXIS_SPACE} 0)`}
            points={linePoints(
              times.map((at, i) => ({ at, value: line.values[i] ?? Number.NaN })),
              from,
              to,
              top,
              plot,
              HEIGHT,
            )}
          />
        ))}
        <text class="chart__label" x={AXIS_SPACE} y={HEIGHT + 14}>
          {formatInstantDay(from, zone)}
        </text>
        <text class="chart__label" x={WIDTH} y={HEIGHT + 14} text-anchor="end">
          {formatInstantDay(to, zone)}
        </text>
      </svg>
      {lines.length > 1 && (
        <ul class="line-chart__legend">
          {lines.map((line, index) => (
            <li key={line.label}>
              <span class={`line-chart__swatch line-chart__swatch--${index}`} aria-hidden="true" /> {line.label}
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="link-button" aria-expanded={asTable} onClick={() => setAsTable(!asTable)}>
        {asTable ? "Hide the table" : "Show as table"}
      </button>
      <table class={asTable ? "table chart__table" : "visually-hidden"}>
        <caption class="visually-hidden">
          {title} per day ({mean ? "mean" : "last sample"})
        </caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {lines.map((line) => (
              <th key={line.label} scope="col">
                {line.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.day}>
              <td>{row.day}</td>
              {row.values.map((value, index) => (
                <td key={lines[index]?.label ?? index}>{format(value)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
