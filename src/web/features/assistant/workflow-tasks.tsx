// "Create tasks" from a run's tasks artifact: tick the titles (the task-like ones are ticked at first), pick a
// project, create them (repeats are skipped).
import { useState } from "preact/hooks";
import { SelectField } from "@/components/form-field";
import { type CreatedTasks, createWorkflowTasks, type Workflow } from "@/features/assistant/api";
import { useProjects } from "@/features/assistant/sitrep-form";
import { initiallyTicked } from "@/features/assistant/task-titles";
import { errorMessage } from "@/lib/api";

const MAX_TITLES = 50;

export function TasksFromPlan({ workflow }: { workflow: Workflow }) {
  const titles = workflow.task_titles;
  // Only what looks like a task is ticked at first: models write filler ("None", "Keep going") as bullets too.
  const [chosen, setChosen] = useState<ReadonlySet<number>>(() => initiallyTicked(titles, MAX_TITLES));
  const [project, setProject] = useState(workflow.project_id ? String(workflow.project_id) : "");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const [result, setResult] = useState<CreatedTasks | null>(null);
  const projects = useProjects();

  function toggle(index: number, on: boolean) {
    setChosen((now) => {
      const next = new Set(now);
      if (on) next.add(index);
      else next.delete(index);
      return next;
    });
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const picked = titles.filter((_, index) => chosen.has(index));
    if (picked.length === 0 || picked.length > MAX_TITLES) {
      setProblem(picked.length === 0 ? "Tick at least one task." : `Tick at most ${MAX_TITLES} tasks at a time.`);
      return;
    }
    setBusy(true);
    setProblem("");
    try {
      setResult(await createWorkflowTasks(workflow.id, picked, project ? Number(project) : null));
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="wf-tasks">
      <h2 id="wf-tasks">Create tasks</h2>
      <form onSubmit={submit} noValidate>
        <fieldset class="check-group wf-tasks">
          <legend>Tasks from the plan</legend>
          {titles.map((title, index) => (
            <label key={index} class="checkbox">
              <input
                type="checkbox"
                checked={chosen.has(index)}
                onChange={(e) => toggle(index, e.currentTarget.checked)}
              />
              {title}
            </label>
          ))}
        </fieldset>
        <div class="button-row">
          <button type="button" class="link-button" onClick={() => setChosen(new Set(titles.map((_, i) => i)))}>
            Select all
          </button>
          <button type="button" class="link-button" onClick={() => setChosen(new Set())}>
            Select none
          </button>
        </div>
        <SelectField
          id="wf-tasks-project"
          label="Project"
          value={project}
          onChange={setProject}
          options={[
            { value: "", label: "None (personal tasks)" },
            ...projects.map((p) => ({ value: String(p.id), label: p.name })),
          ]}
        />
        {problem && (
          <p class="form-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy || chosen.size === 0}>
          {busy ? "Creating…" : `Create ${chosen.size === 1 ? "1 task" : `${chosen.size} tasks`}`}
        </button>
      </form>
      <div aria-live="polite">{result && <CreatedList result={result} />}</div>
    </section>
  );
}

function CreatedList({ result }: { result: CreatedTasks }) {
  return (
    <div class="wf-created">
      <p class="form-success">
        {result.created.length === 1 ? "1 task created" : `${result.created.length} tasks created`}
        {result.skipped.length > 0 ? `; ${result.skipped.length} skipped (already created from this run).` : "."}
      </p>
      {result.created.length > 0 && (
        <ul>
          {result.created.map((task) => (
            <li key={task.id}>
              <a href={`/tasks/${task.id}`}>{task.title}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
