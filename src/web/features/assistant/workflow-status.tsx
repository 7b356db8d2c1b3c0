// Status badges of workflow runs and their steps.
import type { StepStatus, WorkflowStatus } from "@/features/assistant/api";

const RUN: Record<WorkflowStatus, [string, string]> = {
  queued: ["badge badge--muted", "Queued"],
  running: ["badge badge--accent", "Running"],
  succeeded: ["badge badge--ok", "Finished"],
  failed: ["badge badge--fail", "Failed"],
  cancelled: ["badge badge--warn", "Cancelled"],
};

const STEP: Record<StepStatus, [string, string]> = {
  pending: ["badge badge--muted", "Waiting"],
  running: ["badge badge--accent", "Writing"],
  done: ["badge badge--ok", "Done"],
  failed: ["badge badge--fail", "Failed"],
  skipped: ["badge badge--muted", "Skipped"],
};

export function WorkflowStatusBadge({ status }: { status: WorkflowStatus }) {
  const [css, text] = RUN[status] ?? ["badge badge--muted", status];
  return <span class={css}>{text}</span>;
}

export function StepStatusBadge({ status }: { status: StepStatus }) {
  const [css, text] = STEP[status] ?? ["badge badge--muted", status];
  return <span class={css}>{text}</span>;
}
