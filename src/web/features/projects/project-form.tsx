// Create or edit a project: name, status, its own standup time (reminders), description (Markdown).
import { useState } from "preact/hooks";
import { Field, FormField, fieldAria, SelectField } from "@/components/form-field";
import { MarkdownEditor } from "@/components/markdown-editor";
import {
  createProject,
  PROJECT_STATUSES,
  type Project,
  type ProjectStatus,
  STATUS_LABELS,
  updateProject,
} from "@/features/projects/api";
import { ApiError } from "@/lib/api";
import { type FormFailure, useFormSubmit } from "@/lib/use-form-submit";

const FIELDS = ["name", "description", "status", "standup_time"] as const;
type FieldName = (typeof FIELDS)[number];
export const STATUS_OPTIONS = PROJECT_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));

type Props = { project?: Project; onSaved: (project: Project) => void };

const STANDUP_HINT =
  "Members who have not filed their standup by then get a reminder (Monday to Friday, the appliance's clock). " +
  "Leave it empty to use the team's standup time from the settings.";

/** A name another project has is the name field's error. */
function nameTaken(error: unknown, found: FormFailure<FieldName>): FormFailure<FieldName> {
  if (error instanceof ApiError && error.code === "project_name_taken") {
    found.fields.name = error.message;
    found.form = "";
  }
  return found;
}

export function ProjectForm({ project, onSaved }: Props) {
  const [name, setName] = useState(project?.name ?? "");
  const [description, setDescription] = useState(project?.description ?? "");
  const [status, setStatus] = useState<ProjectStatus>(project?.status ?? "active");
  const [standupTime, setStandupTime] = useState(project?.standup_time ?? "");
  const { busy, errors, setErrors, formError, run } = useFormSubmit(FIELDS, {
    closes: true,
    adjust: nameTaken,
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setErrors({ name: "Give the project a name." });
      return;
    }
    await run(async () => {
      const input = { name: name.trim(), description, status, standup_time: standupTime };
      onSaved(project ? await updateProject(project.id, input) : await createProject(input));
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <FormField
        id="project-name"
        label="Name"
        value={name}
        onInput={setName}
        error={errors.name}
        maxLength={120}
        autocomplete="off"
        required
      />
      <SelectField
        id="project-status"
        label="Status"
        value={status}
        options={STATUS_OPTIONS}
        error={errors.status}
        onChange={(value) => setStatus(value as ProjectStatus)}
      />
      <Field id="project-standup-time" label="Team standup time" hint={STANDUP_HINT} error={errors.standup_time}>
        <input
          type="time"
          id="project-standup-time"
          name="project-standup-time"
          value={standupTime}
          onInput={(event) => setStandupTime(event.currentTarget.value)}
          {...fieldAria("project-standup-time", STANDUP_HINT, errors.standup_time)}
        />
      </Field>
      <MarkdownEditor
        id="project-description"
        label="Description"
        value={description}
        onInput={setDescription}
        rows={6}
        maxLength={20000}
        error={errors.description}
        mentions={project ? { kind: "project", id: project.id } : { kind: "project" }}
      />
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <div class="dialog__actions">
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Saving…" : project ? "Save project" : "Create project"}
        </button>
      </div>
    </form>
  );
}
