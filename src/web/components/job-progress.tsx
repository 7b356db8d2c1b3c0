// Live progress of a tracked job from /api/jobs/{id}/events: a progress bar, a status line and a Cancel button.
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { useToast } from "@/components/toast";
import { ApiError, errorMessage } from "@/lib/api";
import { cancelJob, getJob, isFinished, type Job, jobEventsPath } from "@/lib/jobs";
import "@/components/job-progress.css";

/** The fields an `event: job` message carries that this component shows. */
export type JobState = Pick<Job, "status" | "progress_done" | "progress_total" | "message" | "error">;

type Props = {
  jobId: string;
  /** Heading-like label, e.g. "Reindexing the knowledgebase". */
  label?: string;
  /** Called once with the final state (succeeded, failed or cancelled). */
  onFinished?: (job: JobState) => void;
};

export function JobProgress({ jobId, label = "Job", onFinished }: Props) {
  const [job, setJob] = useState<JobState | null>(null);
  const [problem, setProblem] = useState("");
  const [cancelling, setCancelling] = useState(false);
  const toast = useToast();
  const labelId = useId();
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;

  useEffect(() => {
    let done = false;
    const show = (next: JobState) => {
      setJob(next);
      if (!done && isFinished(next.status)) {
        done = true;
        source.close();
        finishedRef.current?.(next);
      }
    };
    const source = new EventSource(jobEventsPath(jobId));
    source.addEventListener("job", (event) => {
      const next = parseJob((event as MessageEvent<string>).data);
      if (next) show(next);
    });
    source.addEventListener("error", () => {
      // While CONNECTING the browser retries by itself; CLOSED means the server refused the stream.
      if (done || source.readyState !== EventSource.CLOSED) return;
      getJob(jobId).then(show, (error: unknown) => setProblem(errorMessage(error)));
    });
    return () => {
      done = true;
      source.close();
    };
  }, [jobId]);

  async function cancel() {
    setCancelling(true);
    try {
      setJob(await cancelJob(jobId));
    } catch (error) {
      // 409: it finished meanwhile; the stream brings the final state.
      if (!(error instanceof ApiError && error.status === 409)) toast(errorMessage(error), "error");
      setCancelling(false);
    }
  }

  const finished = job ? isFinished(job.status) : false;
  return (
    <div class={`job job--${job?.status ?? "loading"}`}>
      <p id={labelId} class="job__label">
        {label}
      </p>
      <ProgressBar job={job} labelledBy={labelId} />
      <p class="job__status" role="status">
        {problem || describe(job)}
      </p>
      {job?.status === "failed" && job.error && <p class="field__error">{job.error}</p>}
      {job && !finished && (
        <button type="button" class="button" onClick={cancel} disabled={cancelling || job.status === "cancelled"}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </button>
      )}
    </div>
  );
}

function ProgressBar({ job, labelledBy }: { job: JobState | null; labelledBy: string }) {
  const total = job?.progress_total ?? null;
  if (job && job.status === "succeeded") {
    const max = total ?? 1;
    return <progress class="job__bar" aria-labelledby={labelledBy} max={max} value={max} />;
  }
  if (job && total !== null && total > 0) {
    return (
      <progress class="job__bar" aria-labelledby={labelledBy} max={total} value={Math.min(job.progress_done, total)} />
    );
  }
  // No value attribute: the browser draws an indeterminate bar.
  return <progress key="indeterminate" class="job__bar" aria-labelledby={labelledBy} />;
}

const STATUS_TEXT: Record<Job["status"], string> = {
  queued: "Waiting to start",
  running: "Running",
  succeeded: "Finished",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** "Running: 3 of 10 (30%). Reading files" */
export function describe(job: JobState | null): string {
  if (!job) return "Connecting…";
  let text = STATUS_TEXT[job.status];
  const total = job.progress_total;
  if (total !== null && total > 0 && job.status === "running") {
    const percent = Math.floor((Math.min(job.progress_done, total) / total) * 100);
    text += `: ${job.progress_done} of ${total} (${percent}%)`;
  } else if (job.status === "running" && job.progress_done > 0) {
    text += `: ${job.progress_done} done`;
  }
  return job.message && !restatesStatus(job) ? `${text}. ${job.message}` : text;
}

/** The server's own words for a state change ("Running", "Done") say nothing the status does not: "Running.
 * Running" read like a stutter. A job's own message ("Reading files") is shown. */
function restatesStatus(job: JobState): boolean {
  const message = job.message
    .trim()
    .replace(/[.…]+$/, "")
    .toLowerCase();
  return message === STATUS_TEXT[job.status].toLowerCase() || GENERIC_MESSAGES.has(message);
}

const GENERIC_MESSAGES: ReadonlySet<string> = new Set(["running", "waiting to start", "done", "failed", "cancelled"]);

const STATUSES: ReadonlySet<string> = new Set(Object.keys(STATUS_TEXT));

function parseJob(data: string): JobState | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return null;
    const job = value as Partial<JobState>;
    if (typeof job.status !== "string" || !STATUSES.has(job.status)) return null;
    return {
      status: job.status,
      progress_done: typeof job.progress_done === "number" ? job.progress_done : 0,
      progress_total: typeof job.progress_total === "number" ? job.progress_total : null,
      message: typeof job.message === "string" ? job.message : "",
      error: typeof job.error === "string" ? job.error : null,
    };
  } catch {
    return null;
  }
}
