// Workflows: start a multi-agent run (feature planning, PR review, bug triage) and list my runs.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { FormField, SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { Pager } from "@/components/pager";
import { Time } from "@/components/time";
import {
  listPipelines,
  listWorkflows,
  type Pipeline,
  startWorkflow,
  WORKFLOW_INPUT_MAX,
} from "@/features/assistant/api";
import { AssistantError } from "@/features/assistant/assistant-error";
import { useProjects } from "@/features/assistant/sitrep-form";
import { WorkflowStatusBadge } from "@/features/assistant/workflow-status";
import "@/features/assistant/assistant.css";
import { formErrors } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

const PAGE_SIZE = 20;

export function WorkflowsPage() {
  const pipelines = useLoad(listPipelines, []);
  const [offset, setOffset] = useState(0);
  const runs = useLoad(() => listWorkflows(PAGE_SIZE, offset), [offset]);
  const names = new Map((pipelines.data?.items ?? []).map((p) => [p.id, p.name]));

  return (
    <section class="page page--wide">
      <h1>Workflows</h1>
      <p class="muted">
        A team of agent roles works through your input one after another; each sees the earlier roles' output.
      </p>
      <section class="card" aria-labelledby="wf-start">
        <h2 id="wf-start">Start a workflow</h2>
        <LoadState loaded={pipelines} what="the pipelines" />
        {pipelines.data && <StartForm pipelines={pipelines.data.items} />}
      </section>
      <section aria-labelledby="wf-runs">
        <h2 id="wf-runs">My runs</h2>
        <LoadState loaded={runs} what="your runs" />
        {runs.data && runs.data.items.length === 0 && <p class="muted">No run yet.</p>}
        {runs.data && runs.data.items.length > 0 && (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Pipeline</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((run) => (
                  <tr key={run.id}>
                    <td>
                      <a href={`/workflows/${run.id}`}>{run.title || `Run ${run.id}`}</a>
                    </td>
                    <td>{names.get(run.pipeline) ?? run.pipeline}</td>
                    <td>
                      <WorkflowStatusBadge status={run.status} />
                    </td>
                    <td>
                      <Time value={run.created_at} relative />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {runs.data && (
          <Pager total={runs.data.total} offset={offset} pageSize={PAGE_SIZE} noun="runs" onOffset={setOffset} />
        )}
      </section>
    </section>
  );
}

type Fields = "pipeline" | "input" | "title" | "project_id";

function StartForm({ pipelines }: { pipelines: Pipeline[] }) {
  const [pipeline, setPipeline] = useState(pipelines[0]?.id ?? "");
  const [input, setInput] = useState("");
  const [title, setTitle] = useState("");
  const [project, setProject] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Fields, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const projects = useProjects();
  const { route } = useLocation();
  const chosen = pipelines.find((p) => p.id === pipeline);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!input.trim()) {
      setErrors({ input: "Describe the feature, paste the change or the bug report." });
      document.getElementById("wf-input")?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const body = { pipeline, input, title: title.trim() || undefined, project_id: project ? Number(project) : null };
      const started = await startWorkflow(body);
      route(`/workflows/${started.id}`);
    } catch (error) {
      const found = formErrors(error, ["pipeline", "input", "title", "project_id"] as const);
      setErrors(found.fields);
      if (found.form) setFailure(error);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="wf-start" noValidate>
      <SelectField
        id="wf-pipeline"
        label="Pipeline"
        value={pipeline}
        onChange={setPipeline}
        options={pipelines.map((p) => ({ value: p.id, label: p.name }))}
        hint={chosen && <PipelineHint pipeline={chosen} />}
        error={errors.pipeline}
      />
      <div class="field">
        <label for="wf-input">Input</label>
        <p id="wf-input-hint" class="field__hint">
          The feature idea, the diff to review, or the bug report. Up to {WORKFLOW_INPUT_MAX.toLocaleString()}{" "}
          characters.
        </p>
        <textarea
          id="wf-input"
          rows={8}
          value={input}
          maxLength={WORKFLOW_INPUT_MAX}
          required
          aria-invalid={errors.input ? "true" : undefined}
          aria-describedby={errors.input ? "wf-input-hint wf-input-error" : "wf-input-hint"}
          onInput={(event) => setInput(event.currentTarget.value)}
        />
        {errors.input && (
          <p id="wf-input-error" class="field__error">
            {errors.input}
          </p>
        )}
      </div>
      <div class="sitrep-form__row">
        <FormField id="wf-title" label="Title" value={title} onInput={setTitle} maxLength={120} error={errors.title} />
        <SelectField
          id="wf-project"
          label="Project"
          value={project}
          onChange={setProject}
          options={[
            { value: "", label: "No project" },
            ...projects.map((p) => ({ value: String(p.id), label: p.name })),
          ]}
          error={errors.project_id}
        />
      </div>
      {failure !== null && <AssistantError failure={failure} />}
      <button type="submit" class="button button--primary" disabled={busy || !pipeline}>
        {busy ? "Starting…" : "Start workflow"}
      </button>
    </form>
  );
}

function PipelineHint({ pipeline }: { pipeline: Pipeline }) {
  return (
    <>
      {pipeline.description} Roles: {pipeline.roles.map((role) => role.name).join(" → ")}. Produces:{" "}
      {pipeline.artifacts.map(artifactLabel).join(", ")}.
    </>
  );
}

/** "test_plan" -> "Test plan". */
export function artifactLabel(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
