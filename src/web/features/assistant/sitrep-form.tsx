// The "Generate a SITREP" form: instructions, how many days back, an optional project, knowledgebase on/off.
import { useEffect, useState } from "preact/hooks";
import { FormField, SelectField, TextAreaField } from "@/components/form-field";
import { createSitrep, SITREP_DAYS, type Sitrep } from "@/features/assistant/api";
import { AssistantError } from "@/features/assistant/assistant-error";
import { formErrors } from "@/lib/api";
import { type Project, projectChoices } from "@/lib/projects";

type Props = { idPrefix: string; onStarted: (sitrep: Sitrep) => void; onCancel?: () => void };
type Fields = "title" | "instructions" | "days" | "project_id";

export function SitrepForm({ idPrefix, onStarted, onCancel }: Props) {
  const [title, setTitle] = useState("");
  const [instructions, setInstructions] = useState("");
  const [days, setDays] = useState("1");
  const [project, setProject] = useState("");
  const [useKnowledge, setUseKnowledge] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Fields, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const projects = useProjects();
  const id = (name: string) => `${idPrefix}-${name}`;
  // Opened from a button: the first field takes the focus.
  useEffect(() => document.getElementById(id("instructions"))?.focus(), []);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const dayCount = Number(days);
    if (!Number.isInteger(dayCount) || dayCount < SITREP_DAYS.min || dayCount > SITREP_DAYS.max) {
      setErrors({ days: `Enter a whole number of days from ${SITREP_DAYS.min} to ${SITREP_DAYS.max}.` });
      return;
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const body = {
        title: title.trim() || undefined,
        instructions: instructions.trim() || undefined,
        days: dayCount,
        project_id: project ? Number(project) : null,
        use_knowledge: useKnowledge,
      };
      onStarted(await createSitrep(body));
    } catch (error) {
      const found = formErrors(error, ["title", "instructions", "days", "project_id"] as const);
      setErrors(found.fields);
      if (found.form) setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id={`${idPrefix}-form`} class="sitrep-form" onSubmit={submit} aria-label="Generate a SITREP" noValidate>
      <TextAreaField
        id={id("instructions")}
        label="Instructions"
        hint="What to focus on, who reads it, how long it should be."
        value={instructions}
        onInput={setInstructions}
        rows={3}
        maxLength={4000}
        error={errors.instructions}
      />
      <div class="sitrep-form__row">
        <FormField
          id={id("days")}
          label="Days back"
          type="number"
          min={SITREP_DAYS.min}
          max={SITREP_DAYS.max}
          value={days}
          onInput={setDays}
          required
          error={errors.days}
        />
        <SelectField
          id={id("project")}
          label="Project"
          value={project}
          onChange={setProject}
          options={[
            { value: "", label: "All my projects" },
            ...projects.map((p) => ({ value: String(p.id), label: p.name })),
          ]}
          error={errors.project_id}
        />
        <FormField
          id={id("title")}
          label="Title"
          value={title}
          onInput={setTitle}
          maxLength={120}
          error={errors.title}
        />
      </div>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={useKnowledge}
          onChange={(event) => setUseKnowledge(event.currentTarget.checked)}
        />
        Use the knowledgebase
      </label>
      {failure !== null && <AssistantError failure={failure} />}
      <div class="button-row">
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Starting…" : "Generate"}
        </button>
        {onCancel && (
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** Projects for the pickers; an empty list when they cannot be loaded (the form still works without one). */
export function useProjects(): Project[] {
  const [projects, setProjects] = useState<Project[]>([]);
  useEffect(() => {
    let live = true;
    projectChoices().then(
      (found) => live && setProjects(found),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return projects;
}
