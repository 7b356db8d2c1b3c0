// Tracked background jobs (backend core/jobs.py): read, cancel, and the server-sent events stream.
import { request } from "@/lib/api";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export type Job = {
  id: string;
  kind: string;
  title: string;
  owner_id: number | null;
  status: JobStatus;
  progress_done: number;
  progress_total: number | null;
  message: string;
  result: unknown;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
};

const FINISHED: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

export function isFinished(status: JobStatus): boolean {
  return FINISHED.has(status);
}

function jobPath(jobId: string): string {
  return `/api/jobs/${encodeURIComponent(jobId)}`;
}

export function getJob(jobId: string): Promise<Job> {
  return request<Job>("GET", jobPath(jobId));
}

/** Asks the job to stop at its next safe point; 409 when it has already finished. */
export function cancelJob(jobId: string): Promise<Job> {
  return request<Job>("POST", `${jobPath(jobId)}/cancel`);
}

/** One `event: job` message per change, the last one in a finished state. */
export function jobEventsPath(jobId: string): string {
  return `${jobPath(jobId)}/events`;
}
