// Turn standup lines into tasks: every line of every section is offered with a checkbox, an editable title and a
// status (blockers default to blocked); project and due date apply to all. One POST .../convert for the lot.
import { useEffect, useMemo, useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";
import { DueField } from "@/components/due-field";
import { SelectField } from "@/components/form-field";
import { useToast } from "@/components/toast";
import {
  type ConvertItem,
  convertStandup,
  SECTION_LABELS,
  SECTIONS,
  type Section,
  type Standup,
} from "@/features/standups/api";
import { defaultStatus, splitLines } from "@/features/standups/lines";
import { errorMessage } from "@/lib/api";
import { personOptions, STATUS_OPTIONS } from "@/lib/options";
import { useAssignees, useProjects } from "@/lib/pickers";
import { useSession } from "@/lib/session";
import { TASK_STATUS_LABELS, type Task, type TaskStatus } from "@/lib/tasks";

type Line = { key: string; section: Section; text: string; title: string; status: TaskStatus; chosen: boolean };

export function linesOf(standup: Standup): Line[] {
  return SECTIONS.flatMap((section) =>
    splitLines(standup[section]).map((text, index) => ({
      key: `${section}-${index}`,
      section,
      text,
      title: text,
      status: defaultStatus(section),
      chosen: false,
    })),
  );
}

type Props = { standup: Standup; onClose: () => void; onConverted: (tasks: Task[]) => void };

export function ConvertDialog({ standup, onClose, onConverted }: Props) {
  const initial = useMemo(() => linesOf(standup), [standup]);
  const [lines, setLines] = useState<Line[]>(initial);
  const [project, setProject] = useState(standup.project ? String(standup.project.id) : "");
  const [due, setDue] = useState("");
  // The new tasks are the standup author's by default, so they show under the author's tasks.
  const [assignee, setAssignee] = useState(String(standup.author.id));
  const { user } = useSession();
  const assignees = useAssignees(project ? Number(project) : null, project ? null : standup.author);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const projects = useProjects().filter((item) => item.can_edit);
  const linked = new Set(standup.tasks.map((task) => task.title.trim().toLowerCase()));
  const chosen = lines.filter((line) => line.chosen);

  // Someone who can't work on the chosen project (e.g. its viewer) is not offered: leave the tasks unassigned.
  useEffect(() => {
    if (assignees.loaded && assignee && !assignees.people.some((person) => String(person.id) === assignee)) {
      setAssignee("");
    }
  }, [assignees.loaded, assignees.people, assignee]);

  const change = (key: string, patch: Partial<Line>) =>
    setLines((all) => all.map((line) => (line.key === key ? { ...line, ...patch } : line)));

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (chosen.length === 0) {
      setError("Tick at least one line.");
      return;
    }
    if (chosen.some((line) => !line.title.trim())) {
      setError("Every chosen line needs a title.");
      return;
    }
    setBusy(true);
    const items: ConvertItem[] = chosen.map((line) => ({
      section: line.section,
      text: line.title.trim(),
      status: line.status,
      project_id: project ? Number(project) : null,
      due_date: due || null,
      assignee_id: assignee ? Number(assignee) : null,
    }));
    try {
      const tasks = await convertStandup(standup.id, items);
      toast(tasks.length === 1 ? "1 task created." : `${tasks.length} tasks created.`, "success");
      onConverted(tasks);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <Dialog title="Convert to tasks" onClose={onClose} wide>
      {lines.length === 0 ? (
        <p>This standup has no lines to convert.</p>
      ) : (
        <form onSubmit={submit} noValidate>
          {SECTIONS.filter((section) => lines.some((line) => line.section === section)).map((section) => (
            <fieldset key={section} class="convert__section">
              <legend>{SECTION_LABELS[section]}</legend>
              <ul class="convert__lines">
                {lines
                  .filter((line) => line.section === section)
                  .map((line) => (
                    <li key={line.key} class="convert__line">
                      <input
                        type="checkbox"
                        id={`convert-${line.key}`}
                        checked={line.chosen}
                        onChange={(event) => change(line.key, { chosen: event.currentTarget.checked })}
                      />
                      <label for={`convert-${line.key}`} class="visually-hidden">
                        Convert “{line.text}”
                      </label>
                      <input
                        type="text"
                        class="convert__title"
                        aria-label={`Task title for “${line.text}”`}
                        value={line.title}
                        maxLength={200}
                        onInput={(event) => change(line.key, { title: event.currentTarget.value, chosen: true })}
                      />
                      <select
                        aria-label={`Status for “${line.text}”`}
                        value={line.status}
                        onChange={(event) => change(line.key, { status: event.currentTarget.value as TaskStatus })}
                      >
                        {STATUS_OPTIONS.map((option) => (
                          <option key={option.value} value={option.value}>
                            {option.label}
                          </option>
                        ))}
                      </select>
                      {linked.has(line.text.trim().toLowerCase()) && (
                        <span class="badge badge--muted">already a task</span>
                      )}
                    </li>
                  ))}
              </ul>
            </fieldset>
          ))}
          <div class="grid-2 dialog__section">
            <SelectField
              id="convert-project"
              label="Project for the new tasks"
              value={project}
              options={[
                { value: "", label: "Personal (no project)" },
                ...projects.map((item) => ({ value: String(item.id), label: item.name })),
              ]}
              onChange={setProject}
            />
            <SelectField
              id="convert-assignee"
              label="Assignee for the new tasks"
              value={assignee}
              hint={assignees.note || undefined}
              options={[{ value: "", label: "Unassigned" }, ...personOptions(assignees.people, user.id)]}
              onChange={setAssignee}
            />
            <DueField id="convert-due" value={due} onChange={setDue} />
          </div>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <div class="dialog__actions">
            <span class="muted convert__summary" role="status">
              {chosen.length === 0
                ? "No line chosen"
                : chosen.length === 1
                  ? `1 task: ${TASK_STATUS_LABELS[chosen[0]?.status ?? "todo"]}`
                  : `${chosen.length} tasks`}
            </span>
            <button type="submit" class="button button--primary" disabled={busy}>
              Create tasks
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
