// Progress per week: a bar of done (and in progress) units out of the week's units, with the numbers in words.
// SVG rectangles with width attributes, not inline styles, so the strict Content-Security-Policy holds.
import { percent, type WeekProgress } from "@/features/training/api";

export function weekSummary(week: WeekProgress): string {
  const parts = [`${week.done} of ${week.units} done`];
  if (week.in_progress) parts.push(`${week.in_progress} in progress`);
  parts.push(week.seeded === week.units ? "all have tasks" : `${week.seeded} with tasks`);
  return parts.join(", ");
}

export function ProgressBars({ progress }: { progress: WeekProgress[] }) {
  const total = progress.reduce((sum, week) => sum + week.units, 0);
  const done = progress.reduce((sum, week) => sum + week.done, 0);
  return (
    <section class="card" aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      <p>
        {done} of {total} units done ({percent(done, total)} %). Progress comes from the seeded tasks' status.
      </p>
      <ul class="training-progress">
        {progress.map((week) => (
          <li key={week.week} class="training-progress__week">
            <span class="training-progress__label">Week {week.week}</span>
            <Bar week={week} />
            <span class="training-progress__text">{weekSummary(week)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Bar({ week }: { week: WeekProgress }) {
  const done = percent(week.done, week.units);
  const doing = percent(week.in_progress, week.units);
  return (
    <svg
      class="training-progress__bar"
      viewBox="0 0 100 10"
      preserveAspectRatio="none"
      role="img"
      aria-label={`Week ${week.week}: ${done} % done`}
    >
      <rect class="training-progress__track" x="0" y="0" width="100" height="10" />
      <rect class="training-progress__done" x="0" y="0" width={done} height="10" />
      <rect class="training-progress__doing" x={done} y="0" width={doing} height="10" />
    </svg>
  );
}
