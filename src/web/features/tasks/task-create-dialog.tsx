// New task: title, project, assignee, status, priority, due date, labels and a Markdown description.
import { useEffect, useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";
import { DueField } from "@/components/due-field";
import { FormField, SelectField } from "@/components/form-field";
import { MarkdownEditor } from "@/components/markdown-editor";
import { useToast } from "@/components/toast";
import { createTask, type Priority, type Task, type TaskStatus } from "@/features/tasks/api";
import { LabelPicker, useLabels } from "@/features/tasks/label-picker";
import { PRIORITY_OPTIONS, personOptions, STATUS_OPTIONS } from "@/lib/options";
import { useAssignees, useProjects } from "@/lib/pickers";
import { useSession } from "@/lib/session";
import { useFormSubmit } from "@/lib/use-form-submit";

const FIELDS = [
  "title",
  "description",
  "status",
  "priority",
  "due_date",
  "assignee_id",
  "project_id",
  "label_ids",
] as const;

type Props = { projectId?: number | null; onClose: () => void; onCreated: (task: Task) => void };

export function TaskCreateDialog({ projectId = null, onClose, onCreated }: Props) {
  const { user } = useSession();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [status, setStatus] = useState<TaskStatus>("todo");
  const [priority, setPriority] = useState<Priority>("normal");
  const [due, setDue] = useState("");
  const [project, setProject] = useState(projectId === null ? "" : String(projectId));
  const [assignee, setAssignee] = useState(String(user.id));
  const [labelIds, setLabelIds] = useState<number[]>([]);
  const { busy, errors, setErrors, formError, run } = useFormSubmit(FIELDS, { closes: true });
  const toast = useToast();
  const projects = useProjects().filter((item) => item.can_edit);
  const assignees = useAssignees(project ? Number(project) : null);
  const people = assignees.people;
  const labels = useLabels(project ? Number(project) : "none");

  // Someone who can't work on the newly chosen project (e.g. its viewer) is no longer offered: unassign.
  useEffect(() => {
    if (assignees.loaded && assignee && !people.some((person) => String(person.id) === assignee)) setAssignee("");
  }, [assignees.loaded, people, assignee]);

  // Another project's labels cannot go on this task: keep only the chosen labels it still offers.
  useEffect(() => {
    setLabelIds((now) => now.filter((id) => labels.some((label) => label.id === id)));
  }, [labels]);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!title.trim()) {
      setErrors({ title: "Give the task a title." });
      return;
    }
    await run(async () => {
      const task = await createTask({
        title: title.trim(),
        description,
        status,
        priority,
        due_date: due || null,
        assignee_id: assignee ? Number(assignee) : null,
        project_id: project ? Number(project) : null,
        label_ids: labelIds,
      });
      toast(`Task “${task.title}” created.`, "success");
      onCreated(task);
    });
  }

  return (
    <Dialog title="New task" onClose={onClose} wide>
      <form onSubmit={submit} noValidate>
        <FormField
          id="new-task-title"
          label="Title"
          value={title}
          onInput={setTitle}
          error={errors.title}
          maxLength={200}
          autocomplete="off"
          required
        />
        <div class="grid-2">
          <SelectField
            id="new-task-project"
            label="Project"
            value={project}
            error={errors.project_id}
            options={[
              { value: "", label: "Personal (no project)" },
              ...projects.map((item) => ({ value: String(item.id), label: item.name })),
            ]}
            onChange={setProject}
          />
          <SelectField
            id="new-task-assignee"
            label="Assignee"
            value={assignee}
            error={errors.assignee_id}
            hint={assignees.note || undefined}
            options={[{ value: "", label: "Unassigned" }, ...personOptions(people, user.id)]}
            onChange={setAssignee}
          />
          <SelectField
            id="new-task-status"
            label="Status"
            value={status}
            error={errors.status}
            options={STATUS_OPTIONS}
            onChange={(value) => setStatus(value as TaskStatus)}
          />
          <SelectField
            id="new-task-priority"
            label="Priority"
            value={priority}
            error={errors.priority}
            options={PRIORITY_OPTIONS}
            onChange={(value) => setPriority(value as Priority)}
          />
        </div>
        <DueField id="new-task-due" value={due} onChange={setDue} error={errors.due_date} />
        <LabelPicker
          id="new-task-labels"
          labels={labels}
          selected={labelIds}
          onChange={setLabelIds}
          error={errors.label_ids}
        />
        <MarkdownEditor
          id="new-task-description"
          label="Description"
          value={description}
          onInput={setDescription}
          maxLength={20000}
          error={errors.description}
          mentions={{ kind: "task", projectId: project ? Number(project) : null }}
        />
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        <div class="dialog__actions">
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? "Creating…" : "Create task"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
