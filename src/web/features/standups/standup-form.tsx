// File or edit a standup: the day (today or the next working day), yesterday / today / blockers in Markdown,
// an optional project. Filing twice for one day answers 409 standup_exists: the form then opens that entry.
import { useState } from "preact/hooks";
import { SelectField } from "@/components/form-field";
import { MarkdownEditor, type MentionScope } from "@/components/markdown-editor";
import { useToast } from "@/components/toast";
import {
  createStandup,
  getStandup,
  SECTION_LABELS,
  SECTIONS,
  type Section,
  type Standup,
  updateStandup,
} from "@/features/standups/api";
import { ApiError, formErrors } from "@/lib/api";
import { formatDay } from "@/lib/dates";
import { useProjects } from "@/lib/pickers";

const FIELDS = ["day", "yesterday", "today", "blockers", "project_id"] as const;
type Field = (typeof FIELDS)[number];

const HINTS: Record<Section, string> = {
  yesterday: "What you got done. One item per line.",
  today: "What you plan to do. One item per line.",
  blockers: "What stops you, if anything. Each line can become a blocked task.",
};

type Props = {
  /** Editing this entry; without it, a new one. */
  standup?: Standup | null;
  today: string;
  nextWorkingDay: string;
  onSaved: (standup: Standup) => void;
  onCancel?: () => void;
};

export function StandupForm({ standup: initial = null, today, nextWorkingDay, onSaved, onCancel }: Props) {
  const [standup, setStandup] = useState<Standup | null>(initial);
  const [day, setDay] = useState(initial?.day ?? today);
  const [values, setValues] = useState<Record<Section, string>>({
    yesterday: initial?.yesterday ?? "",
    today: initial?.today ?? "",
    blockers: initial?.blockers ?? "",
  });
  const [project, setProject] = useState(initial?.project ? String(initial.project.id) : "");
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const projects = useProjects();

  function openExisting(existing: Standup) {
    setStandup(existing);
    setDay(existing.day);
    // Keep what the user just typed where the saved entry has nothing, so no text is lost.
    setValues((typed) => ({
      yesterday: existing.yesterday || typed.yesterday,
      today: existing.today || typed.today,
      blockers: existing.blockers || typed.blockers,
    }));
    if (existing.project) setProject(String(existing.project.id));
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!SECTIONS.some((section) => values[section].trim())) {
      setErrors({});
      setFormError("Write at least one of yesterday, today or blockers.");
      return;
    }
    setBusy(true);
    const body = { ...values, project_id: project ? Number(project) : null };
    try {
      const saved = standup ? await updateStandup(standup.id, body) : await createStandup({ ...body, day });
      toast(standup ? "Standup updated." : `Standup filed for ${formatDay(saved.day)}.`, "success");
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiError && error.code === "standup_exists" && !standup) {
        const id = (error.detail as { id?: unknown } | undefined)?.id;
        if (typeof id === "number") {
          try {
            openExisting(await getStandup(id));
            setErrors({});
            setFormError("");
            toast(`You already filed a standup for ${formatDay(day)}. It is open for editing now.`, "info");
            return;
          } catch {
            // fall through to the plain message
          }
        }
      }
      const found = formErrors(error, FIELDS);
      setErrors(found.fields);
      setFormError(found.fields.day ? `${found.form} ${found.fields.day}`.trim() : found.form);
    } finally {
      setBusy(false);
    }
  }

  // Who can read the entry once saved: the filed one (its author may be someone else for an administrator)
  // while its project stays, else a new entry of mine in the chosen project.
  const mentionScope: MentionScope =
    standup && String(standup.project?.id ?? "") === project
      ? { kind: "standup", id: standup.id }
      : { kind: "standup", projectId: project ? Number(project) : null };

  const dayOptions = [
    { value: today, label: `Today, ${formatDay(today)}` },
    ...(nextWorkingDay !== today
      ? [{ value: nextWorkingDay, label: `Next working day, ${formatDay(nextWorkingDay)}` }]
      : []),
  ];
  if (standup && !dayOptions.some((option) => option.value === standup.day)) {
    dayOptions.push({ value: standup.day, label: formatDay(standup.day) });
  }

  return (
    <form onSubmit={submit} noValidate aria-label={standup ? "Edit standup" : "File standup"}>
      <div class="grid-2">
        <SelectField
          id="standup-day"
          label="Day"
          value={day}
          options={dayOptions}
          disabled={standup !== null}
          hint={standup ? "The day of a filed standup does not change." : "File tonight for tomorrow if you like."}
          error={errors.day}
          onChange={setDay}
        />
        <SelectField
          id="standup-project"
          label="Project"
          value={project}
          options={[
            { value: "", label: "No project" },
            ...projects.map((item) => ({ value: String(item.id), label: item.name })),
          ]}
          error={errors.project_id}
          onChange={setProject}
        />
      </div>
      {SECTIONS.map((section) => (
        <MarkdownEditor
          key={section}
          id={`standup-${section}`}
          label={SECTION_LABELS[section]}
          hint={HINTS[section]}
          value={values[section]}
          onInput={(value) => setValues((all) => ({ ...all, [section]: value }))}
          maxLength={10000}
          error={errors[section]}
          mentions={mentionScope}
        />
      ))}
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Saving…" : standup ? "Save standup" : "File standup"}
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
