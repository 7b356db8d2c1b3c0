// One workflow run: the transcript streamed role by role, cancel, the artifacts, and tasks from the plan.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { useConfirm } from "@/components/confirm-dialog";
import { Markdown } from "@/components/markdown";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import {
  cancelWorkflow,
  deleteWorkflow,
  listPipelines,
  type Pipeline,
  type Workflow,
  type WorkflowStep,
  workflowFinished,
} from "@/features/assistant/api";
import { AssistantError } from "@/features/assistant/assistant-error";
import { downloadText } from "@/features/assistant/download";
import { useWorkflow } from "@/features/assistant/use-workflow";
import { StepStatusBadge, WorkflowStatusBadge } from "@/features/assistant/workflow-status";
import { activeStep } from "@/features/assistant/workflow-stream";
import { TasksFromPlan } from "@/features/assistant/workflow-tasks";
import { artifactLabel } from "@/features/assistant/workflows-page";
import "@/features/assistant/assistant.css";
import { ApiError, errorMessage } from "@/lib/api";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";

export function WorkflowPage() {
  const { params } = useRoute();
  const id = Number(params.id);
  const { workflow, problem } = useWorkflow(id);
  const pipelines = useLoad(listPipelines, []);

  if (!workflow) {
    return (
      <section class="page">
        <p>
          <a href="/workflows">← Workflows</a>
        </p>
        {problem ? (
          <p class="form-error" role="alert">
            Could not load the run: {problem}
          </p>
        ) : (
          <p class="muted" role="status">
            Loading the run…
          </p>
        )}
      </section>
    );
  }
  const pipeline = pipelines.data?.items.find((p) => p.id === workflow.pipeline);
  return <Run workflow={workflow} pipeline={pipeline} />;
}

function Run({ workflow, pipeline }: { workflow: Workflow; pipeline: Pipeline | undefined }) {
  const finished = workflowFinished(workflow.status);
  const headline = useRef<HTMLParagraphElement>(null);
  return (
    <section class="page page--wide">
      <p>
        <a href="/workflows">← Workflows</a>
      </p>
      <div class="page__header">
        <h1>{workflow.title || `Run ${workflow.id}`}</h1>
        <RunActions workflow={workflow} onCancelled={() => headline.current?.focus()} />
      </div>
      <p class="project-card__badges">
        <WorkflowStatusBadge status={workflow.status} />
        <span class="muted">
          {pipeline?.name ?? workflow.pipeline} · started <Time value={workflow.created_at} relative /> by{" "}
          {refName(workflow.created_by)}
          {workflow.finished_at ? (
            <>
              {" "}
              · ended <Time value={workflow.finished_at} relative />
            </>
          ) : (
            ""
          )}
        </span>
      </p>
      <p class="wf-status" role="status" ref={headline} tabIndex={-1}>
        {statusLine(workflow)}
      </p>
      {workflow.status === "failed" && workflow.error && <AssistantError failure={workflow.error} />}
      <details class="card wf-input">
        <summary>Input</summary>
        <pre class="wf-input__text">{workflow.input}</pre>
      </details>
      <div class="wf-layout">
        <section aria-labelledby="wf-transcript" aria-busy={!finished}>
          <h2 id="wf-transcript">Transcript</h2>
          <ol class="wf-steps">
            {workflow.steps.map((step, position) => (
              <StepCard key={step.index} step={step} position={position + 1} />
            ))}
          </ol>
        </section>
        <div class="wf-side">
          <Artifacts workflow={workflow} />
          {workflow.status === "succeeded" && workflow.task_titles.length > 0 && <TasksFromPlan workflow={workflow} />}
        </div>
      </div>
    </section>
  );
}

/** The one sentence the live region reads out: which role is writing, or how the run ended. */
export function statusLine(workflow: Workflow): string {
  const total = workflow.steps.length;
  const step = activeStep(workflow);
  switch (workflow.status) {
    case "queued":
      return "Waiting to start…";
    case "running":
      return step
        ? `${step.name || step.role} is writing (step ${workflow.steps.indexOf(step) + 1} of ${total})…`
        : "Running…";
    case "succeeded":
      return "Finished. The artifacts are ready.";
    case "cancelled":
      return "Cancelled. The completed steps are kept.";
    case "failed":
      return "The run failed.";
  }
}

function StepCard({ step, position }: { step: WorkflowStep; position: number }) {
  const running = step.status === "running";
  return (
    <li class={`card wf-step wf-step--${step.status}`}>
      <div class="wf-step__head">
        <h3>
          {position}. {step.name || step.role}
        </h3>
        <StepStatusBadge status={step.status} />
      </div>
      {step.output ? (
        <Markdown text={step.output} class={running ? "wf-step__output wf-step__output--live" : "wf-step__output"} />
      ) : (
        <p class="muted">
          {running ? "Thinking…" : step.status === "pending" ? "Waiting for the earlier roles." : "No output."}
        </p>
      )}
      {step.truncated && (
        <p class="notice notice--warn">Cut off: the model reached its length limit before this role finished.</p>
      )}
      {step.omitted && <p class="notice notice--warn">{step.omitted}</p>}
    </li>
  );
}

function RunActions({ workflow, onCancelled }: { workflow: Workflow; onCancelled: () => void }) {
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const confirm = useConfirm();
  const { route } = useLocation();
  const finished = workflowFinished(workflow.status);
  useEffect(() => setBusy(false), [workflow.status]);

  async function cancel() {
    setBusy(true);
    try {
      await cancelWorkflow(workflow.id);
      toast("Cancelling: no further role will start.", "info");
      onCancelled();
    } catch (error) {
      // 409: it ended meanwhile; the stream brings the final state.
      if (!(error instanceof ApiError && error.status === 409)) toast(errorMessage(error), "error");
      setBusy(false);
    }
  }

  async function remove() {
    const ok = await confirm({
      title: `Delete ${workflow.title || `run ${workflow.id}`}?`,
      message: finished
        ? "The transcript and the artifacts are deleted. Tasks created from it stay."
        : "The run is cancelled, then deleted with its transcript.",
      confirmLabel: "Delete run",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteWorkflow(workflow.id);
      toast("Run deleted.", "success");
      route("/workflows");
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  return (
    <div class="button-row">
      {!finished && (
        <button type="button" class="button" onClick={() => void cancel()} disabled={busy}>
          {busy ? "Cancelling…" : "Cancel run"}
        </button>
      )}
      <button type="button" class="button button--danger" onClick={() => void remove()}>
        Delete…
      </button>
    </div>
  );
}

function Artifacts({ workflow }: { workflow: Workflow }) {
  const entries = Object.entries(workflow.artifacts).filter(([, text]) => text.trim());
  return (
    <section class="card" aria-labelledby="wf-artifacts">
      <h2 id="wf-artifacts">Artifacts</h2>
      {entries.length === 0 ? (
        <p class="muted">{workflowFinished(workflow.status) ? "No artifacts." : "They appear as the roles finish."}</p>
      ) : (
        entries.map(([name, text]) => (
          <details key={name} class="wf-artifact" open={name === "summary"}>
            <summary>{artifactLabel(name)}</summary>
            <Markdown text={text} />
            <button
              type="button"
              class="button button--small"
              onClick={() => downloadText(`workflow-${workflow.id}-${name}.md`, text)}
            >
              Download {artifactLabel(name).toLowerCase()} (.md)
            </button>
          </details>
        ))
      )}
    </section>
  );
}
