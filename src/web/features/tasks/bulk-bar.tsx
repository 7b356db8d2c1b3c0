// Changes for every selected task at once, each as one POST /api/tasks/bulk (never a request per task).
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { useToast } from "@/components/toast";
import { type BulkAction, bulkUpdate, labelOptionName, type TaskStatus } from "@/features/tasks/api";
import { useLabels } from "@/features/tasks/label-picker";
import { errorMessage } from "@/lib/api";
import { personOptions, STATUS_OPTIONS } from "@/lib/options";
import { useAssignees, useProjects } from "@/lib/pickers";
import { useSession } from "@/lib/session";

type Props = { ids: number[]; projectId: number | null; onDone: () => void; onClear: () => void };

const LABEL_ACTIONS = [
  { action: "add_label", text: "Add label", done: "Label added" },
  { action: "remove_label", text: "Remove label", done: "Label removed" },
] as const;

export function BulkBar({ ids, projectId, onDone, onClear }: Props) {
  const { user } = useSession();
  const [status, setStatus] = useState<TaskStatus>("in_progress");
  const [assignee, setAssignee] = useState("");
  const [project, setProject] = useState("");
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const confirm = useConfirm();
  const assignees = useAssignees(projectId);
  const people = assignees.people;
  const assigneeNote =
    projectId === null
      ? "Tasks in a project can only be assigned to its members and owners (not its viewers); others are skipped."
      : assignees.note;
  const projects = useProjects().filter((item) => item.can_edit);
  const count = ids.length === 1 ? "1 task" : `${ids.length} tasks`;
  const labels = useLabels(projectId ?? undefined);
  const chosenLabel = label || (labels[0] ? String(labels[0].id) : "");

  async function run(action: BulkAction, done: string) {
    setBusy(true);
    try {
      const result = await bulkUpdate(ids, action);
      const skipped = result.skipped.length;
      const noun = result.updated === 1 ? "1 task" : `${result.updated} tasks`;
      toast(
        skipped ? `${done}: ${noun}; ${skipped} skipped (${result.skipped[0]?.reason}).` : `${done}: ${noun}.`,
        "success",
      );
      onDone();
    } catch (error) {
      toast(errorMessage(error), "error");
    } finally {
      setBusy(false);
    }
  }

  async function archive() {
    const ok = await confirm({
      title: `Archive ${count}?`,
      message: "Archived tasks leave the lists and the board. They are not deleted; you can restore them.",
      confirmLabel: "Archive",
    });
    if (ok) await run({ action: "archive" }, "Archived");
  }

  return (
    <section class="bulk-bar" aria-label="Change selected tasks">
      <p class="bulk-bar__count" role="status">
        <strong>{count} selected</strong>{" "}
        <button type="button" class="link-button" onClick={onClear}>
          Clear selection
        </button>
      </p>
      <div class="bulk-bar__controls">
        <div class="bulk-bar__group">
          <label for="bulk-status">Status</label>
          <select id="bulk-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as TaskStatus)}>
            {STATUS_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button button--small"
            disabled={busy}
            onClick={() => void run({ action: "status", status }, "Status set")}
          >
            Set status
          </button>
        </div>
        <fieldset class="bulk-bar__group">
          <legend>Shift due dates</legend>
          {[1, 3, 7].map((days) => (
            <button
              key={days}
              type="button"
              class="button button--small"
              disabled={busy}
              onClick={() => void run({ action: "shift_due", days }, "Due dates moved")}
            >
              +{days}d<span class="visually-hidden"> (due dates {days === 1 ? "1 day" : `${days} days`} later)</span>
            </button>
          ))}
        </fieldset>
        <div class="bulk-bar__group">
          <label for="bulk-assignee">Assign to</label>
          <select
            id="bulk-assignee"
            value={assignee}
            aria-describedby="bulk-assignee-note"
            onChange={(e) => setAssignee(e.currentTarget.value)}
          >
            <option value="">Unassigned</option>
            {personOptions(people, user.id).map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button button--small"
            disabled={busy}
            onClick={() => void run({ action: "assign", assignee_id: assignee ? Number(assignee) : null }, "Assigned")}
          >
            Assign
          </button>
          <p id="bulk-assignee-note" class="field__hint bulk-bar__note">
            {assigneeNote}
          </p>
        </div>
        <div class="bulk-bar__group">
          <label for="bulk-project">Move to</label>
          <select id="bulk-project" value={project} onChange={(e) => setProject(e.currentTarget.value)}>
            <option value="">Personal (no project)</option>
            {projects.map((item) => (
              <option key={item.id} value={String(item.id)}>
                {item.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button button--small"
            disabled={busy}
            onClick={() => void run({ action: "move", project_id: project ? Number(project) : null }, "Moved")}
          >
            Move
          </button>
        </div>
        {labels.length > 0 && (
          <div class="bulk-bar__group">
            <label for="bulk-label">Label</label>
            <select id="bulk-label" value={chosenLabel} onChange={(e) => setLabel(e.currentTarget.value)}>
              {labels.map((item) => (
                <option key={item.id} value={String(item.id)}>
                  {labelOptionName(item)}
                </option>
              ))}
            </select>
            {LABEL_ACTIONS.map(({ action, text, done }) => (
              <button
                key={action}
                type="button"
                class="button button--small"
                disabled={busy}
                onClick={() => void run({ action, label_id: Number(chosenLabel) }, done)}
              >
                {text}
              </button>
            ))}
          </div>
        )}
        <div class="bulk-bar__group">
          <button type="button" class="button button--small" disabled={busy} onClick={() => void archive()}>
            Archive
          </button>
          <button
            type="button"
            class="button button--small"
            disabled={busy}
            onClick={() => void run({ action: "restore" }, "Restored")}
          >
            Restore
          </button>
        </div>
      </div>
    </section>
  );
}
