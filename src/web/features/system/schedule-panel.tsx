// System page: the jobs the appliance runs by itself, when they run next, how the last run went, and Run now.
import { useState } from "preact/hooks";
import { JobProgress } from "@/components/job-progress";
import { LoadState } from "@/components/load-state";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { getSchedule, runScheduled, type ScheduleEntry } from "@/features/system/api";
import { errorMessage } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

export function SchedulePanel({ version, onChanged }: { version: number; onChanged: () => void }) {
  const loaded = useLoad(getSchedule, [version]);
  const [running, setRunning] = useState<{ id: string; label: string } | null>(null);
  const toast = useToast();

  async function runNow(entry: ScheduleEntry) {
    try {
      setRunning({ id: (await runScheduled(entry.name)).id, label: entry.title });
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  return (
    <section class="card" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Scheduled jobs</h2>
      <LoadState loaded={loaded} what="the scheduled jobs" />
      {running && <JobProgress jobId={running.id} label={running.label} onFinished={onChanged} />}
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(loaded.data ?? []).map((entry) => (
              <tr key={entry.name} data-job={entry.name}>
                <th scope="row">{entry.title}</th>
                <td>{entry.schedule}</td>
                <td>{entry.runs_here ? <Time value={entry.next_run_at} empty="—" /> : "in another process"}</td>
                <td>
                  <LastRun entry={entry} />
                </td>
                <td class="table__actions">
                  <button
                    type="button"
                    class="button button--small"
                    disabled={entry.running || !entry.runs_here}
                    onClick={() => runNow(entry)}
                  >
                    {/* The job's name is spoken but not shown: the row already shows it (and the visible words
                        stay part of the accessible name, for voice control). */}
                    {entry.running ? (
                      "Running…"
                    ) : (
                      <>
                        Run<span class="visually-hidden"> {entry.title}</span> now
                      </>
                    )}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function LastRun({ entry }: { entry: ScheduleEntry }) {
  const run = entry.last_run;
  if (!run) return <span class="muted">never</span>;
  const tone = run.status === "succeeded" ? "ok" : run.status === "failed" ? "fail" : "muted";
  return (
    <span title={run.error ?? run.message}>
      <span class={`badge badge--${tone}`}>{run.status}</span>{" "}
      <Time value={run.finished_at ?? run.started_at} empty="—" />
      {run.seconds !== null && <span class="muted"> ({run.seconds} s)</span>}
    </span>
  );
}
