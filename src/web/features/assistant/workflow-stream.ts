// The transcript of a workflow run as its event stream builds it (GET /api/workflows/{id}/events):
// `step` {index, role, status}, `delta` {index, text}, `done` Workflow, `error` {code, message}.
// Pure functions, so the page's state follows the stream the same way in tests and in the browser.
import type { Failure, StepStatus, Workflow, WorkflowStep } from "@/features/assistant/api";

export type WorkflowEvent =
  | { type: "step"; index: number; role: string; status: StepStatus }
  | { type: "delta"; index: number; text: string }
  | { type: "done"; workflow: Workflow }
  | { type: "error"; error: Failure };

const STEP_STATUSES: ReadonlySet<string> = new Set(["pending", "running", "done", "failed", "skipped"]);

function record(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** One SSE message (its event name and data text) as a typed event; null for anything malformed. */
export function parseWorkflowEvent(type: string, data: string): WorkflowEvent | null {
  const value = record(data);
  if (!value) return null;
  const index = value.index;
  if (type === "step" && typeof index === "number" && typeof value.status === "string") {
    if (!STEP_STATUSES.has(value.status)) return null;
    return { type, index, role: String(value.role ?? ""), status: value.status as StepStatus };
  }
  if (type === "delta" && typeof index === "number" && typeof value.text === "string") {
    return { type, index, text: value.text };
  }
  if (type === "done" && typeof value.id === "number" && Array.isArray(value.steps)) {
    return { type, workflow: value as unknown as Workflow };
  }
  if (type === "error" && typeof value.message === "string") {
    return { type, error: { code: String(value.code ?? "workflow_failed"), message: value.message } };
  }
  return null;
}

function updateStep(workflow: Workflow, index: number, change: (step: WorkflowStep) => WorkflowStep): Workflow {
  const known = workflow.steps.some((step) => step.index === index);
  const steps = known
    ? workflow.steps.map((step) => (step.index === index ? change(step) : step))
    : [...workflow.steps, change(blankStep(index))].sort((a, b) => a.index - b.index);
  return { ...workflow, steps };
}

function blankStep(index: number): WorkflowStep {
  return {
    index,
    role: "",
    name: "",
    status: "pending",
    output: "",
    omitted: null,
    started_at: null,
    finished_at: null,
  };
}

/** The run after one event. */
export function applyEvent(workflow: Workflow, event: WorkflowEvent): Workflow {
  switch (event.type) {
    case "step": {
      const running = workflow.status === "queued" ? { ...workflow, status: "running" as const } : workflow;
      return updateStep(running, event.index, (step) => ({
        ...step,
        role: step.role || event.role,
        name: step.name || event.role,
        status: event.status,
      }));
    }
    case "delta":
      return updateStep(workflow, event.index, (step) => ({ ...step, output: step.output + event.text }));
    case "done":
      return event.workflow;
    case "error":
      return {
        ...workflow,
        error: event.error,
        status: workflow.status === "cancelled" ? "cancelled" : "failed",
      };
  }
}

/** Before the stream replays the run from its start: the transcript is rebuilt, not appended to twice. */
export function forReplay(workflow: Workflow): Workflow {
  return {
    ...workflow,
    steps: workflow.steps.map((step) => ({ ...step, output: "", status: "pending" })),
  };
}

/** The step being written now, for the live status line ("Architect is writing…"). */
export function activeStep(workflow: Workflow): WorkflowStep | null {
  return workflow.steps.find((step) => step.status === "running") ?? null;
}
