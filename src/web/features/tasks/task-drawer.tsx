// One task in a drawer over the list (/tasks/:id): fields and labels edited in place, Markdown description with
// preview, the checklist, a Watch toggle, comments and the activity log. Without edit rights (can_edit false, e.g. a project viewer) it is read-only.
import { useEffect, useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { Dialog } from "@/components/dialog";
import { DueField } from "@/components/due-field";
import { LabelChips } from "@/components/label-chip";
import { LoadState } from "@/components/load-state";
import { Markdown } from "@/components/markdown";
import { MarkdownEditor } from "@/components/markdown-editor";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { WatchButton } from "@/components/watch-button";
import {
  type Activity,
  addComment,
  deleteTask,
  getTask,
  listActivity,
  listComments,
  PRIORITY_LABELS,
  type Priority,
  TASK_STATUS_BADGE,
  TASK_STATUS_LABELS,
  type Task,
  type TaskPatch,
  type TaskStatus,
  updateTask,
} from "@/features/tasks/api";
import { ChecklistSection } from "@/features/tasks/checklist";
import { LabelPicker, useLabels } from "@/features/tasks/label-picker";
import { errorMessage } from "@/lib/api";
import { formatDay } from "@/lib/dates";
import { PRIORITY_OPTIONS, personOptions, STATUS_OPTIONS } from "@/lib/options";
import { useAssignees, useProjects } from "@/lib/pickers";
import { useSession } from "@/lib/session";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";

type Props = { id: number; onClose: () => void; onChanged: (task: Task | null) => void };

export function TaskDrawer({ id, onClose, onChanged }: Props) {
  const loaded = useLoad(() => getTask(id), [id]);
  const [task, setTask] = useState<Task | null>(null);
  useEffect(() => {
    if (loaded.state === "ready") setTask(loaded.data);
  }, [loaded.state, loaded.data]);
  const shown = task?.id === id ? task : null;

  return (
    <Dialog title={shown ? shown.title : "Task"} onClose={onClose} drawer>
      {shown ? (
        <TaskDetail
          task={shown}
          onSaved={(saved) => {
            setTask(saved);
            onChanged(saved);
          }}
          onDeleted={() => {
            onChanged(null);
            onClose();
          }}
        />
      ) : (
        <LoadState loaded={loaded} what="the task" />
      )}
    </Dialog>
  );
}

function TaskDetail({
  task,
  onSaved,
  onDeleted,
}: {
  task: Task;
  onSaved: (task: Task) => void;
  onDeleted: () => void;
}) {
  const toast = useToast();
  const confirm = useConfirm();
  const [tab, setTab] = useState<"comments" | "activity">("comments");
  const [activityVersion, setActivityVersion] = useState(0);
  // Arrow keys move between the tabs (and focus follows), as in every tab list.
  const switchTab = (next: "comments" | "activity") => {
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  async function save(patch: TaskPatch, done = "Saved.") {
    try {
      const saved = await updateTask(task.id, patch);
      onSaved(saved);
      setActivityVersion((n) => n + 1);
      toast(done, "success");
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  async function remove() {
    const ok = await confirm({
      title: "Delete this task permanently?",
      message: (
        <p>
          “{task.title}”, its comments and its history are deleted and cannot be restored. To keep it out of the lists
          but recoverable, archive it instead.
        </p>
      ),
      confirmLabel: "Delete permanently",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteTask(task.id);
      toast("Task deleted permanently.", "success");
      onDeleted();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  return (
    <div class="task-detail">
      <div class="task-detail__top">
        <p class="muted task-detail__meta">
          #{task.id} · created by {refName(task.creator)} on <Time value={task.created_at} />
          {task.origin_standup_id !== null && <> · from a standup</>}
          {task.archived && <span class="badge badge--muted item-list__badge">Archived</span>}
        </p>
        <WatchButton path={`/api/tasks/${task.id}`} what="task" />
      </div>
      {task.can_edit ? <EditableFields task={task} save={save} /> : <ReadOnlyFields task={task} />}
      {task.can_edit && <TaskLabels task={task} save={save} />}
      <Description task={task} save={save} />
      <ChecklistSection
        task={task}
        onChanged={() => {
          // The counts on the list row or board card follow the checklist.
          getTask(task.id).then(onSaved, () => undefined);
          setActivityVersion((n) => n + 1);
        }}
      />
      {task.can_edit && (
        <div class="button-row task-detail__actions">
          <button
            type="button"
            class="button"
            onClick={() => void save({ archived: !task.archived }, task.archived ? "Task restored." : "Task archived.")}
          >
            {task.archived ? "Restore" : "Archive"}
          </button>
          <button type="button" class="button button--danger" onClick={() => void remove()}>
            Delete permanently
          </button>
        </div>
      )}
      <div class="tabs" role="tablist" aria-label="Task history">
        <button
          type="button"
          role="tab"
          id="tab-comments"
          aria-controls="panel-comments"
          aria-selected={tab === "comments"}
          tabIndex={tab === "comments" ? 0 : -1}
          onClick={() => setTab("comments")}
          onKeyDown={(event) => event.key === "ArrowRight" && switchTab("activity")}
        >
          Comments
        </button>
        <button
          type="button"
          role="tab"
          id="tab-activity"
          aria-controls="panel-activity"
          aria-selected={tab === "activity"}
          tabIndex={tab === "activity" ? 0 : -1}
          onClick={() => setTab("activity")}
          onKeyDown={(event) => event.key === "ArrowLeft" && switchTab("comments")}
        >
          Activity
        </button>
      </div>
      {tab === "comments" ? (
        <div role="tabpanel" id="panel-comments" aria-labelledby="tab-comments">
          <Comments task={task} onCommented={() => setActivityVersion((n) => n + 1)} />
        </div>
      ) : (
        <div role="tabpanel" id="panel-activity" aria-labelledby="tab-activity">
          <ActivityLog taskId={task.id} version={activityVersion} />
        </div>
      )}
    </div>
  );
}

function ReadOnlyFields({ task }: { task: Task }) {
  return (
    <dl class="task-fields">
      <dt>Status</dt>
      <dd>
        <span class={TASK_STATUS_BADGE[task.status]}>{TASK_STATUS_LABELS[task.status]}</span>
      </dd>
      <dt>Progress</dt>
      <dd>{task.progress}%</dd>
      <dt>Priority</dt>
      <dd>{PRIORITY_LABELS[task.priority]}</dd>
      <dt>Due date</dt>
      <dd class={task.overdue ? "overdue" : undefined}>
        {formatDay(task.due_date, "none")}
        {task.overdue && " (overdue)"}
      </dd>
      <dt>Assignee</dt>
      <dd>{refName(task.assignee, "unassigned")}</dd>
      <dt>Project</dt>
      <dd>{task.project ? <a href={`/projects/${task.project.id}`}>{task.project.name}</a> : "Personal"}</dd>
      <dt>Labels</dt>
      <dd>{task.labels.length ? <LabelChips labels={task.labels} /> : "None"}</dd>
    </dl>
  );
}

/** The task's labels as checkboxes: the global labels and its project's; each change saves at once. */
function TaskLabels({ task, save }: { task: Task; save: Save }) {
  const usable = useLabels(task.project?.id ?? "none");
  return (
    <LabelPicker
      id="task-labels"
      labels={usable}
      selected={task.labels.map((label) => label.id)}
      onChange={(ids) => void save({ label_ids: ids }, "Labels saved.")}
    />
  );
}

type Save = (patch: TaskPatch, done?: string) => Promise<void>;

function EditableFields({ task, save }: { task: Task; save: Save }) {
  const { user } = useSession();
  const [title, setTitle] = useState(task.title);
  const [progress, setProgress] = useState(task.progress);
  useEffect(() => setTitle(task.title), [task.title]);
  useEffect(() => setProgress(task.progress), [task.progress]);
  const assignees = useAssignees(task.project?.id ?? null, task.assignee);
  const people = assignees.people;
  const projects = useProjects().filter((project) => project.can_edit);
  const projectOptions = [
    { value: "", label: "Personal (no project)" },
    ...projects.map((project) => ({ value: String(project.id), label: project.name })),
  ];
  if (task.project && !projects.some((project) => project.id === task.project?.id)) {
    projectOptions.push({ value: String(task.project.id), label: task.project.name });
  }

  const saveTitle = () => {
    const text = title.trim();
    if (!text) setTitle(task.title);
    else if (text !== task.title) void save({ title: text }, "Title saved.");
  };

  return (
    <div class="task-fields task-fields--edit">
      <div class="field task-fields__wide">
        <label for="task-title">Title</label>
        <input
          id="task-title"
          type="text"
          value={title}
          maxLength={200}
          onInput={(event) => setTitle(event.currentTarget.value)}
          onBlur={saveTitle}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              saveTitle();
            }
          }}
        />
      </div>
      <div class="field">
        <label for="task-status">Status</label>
        <select
          id="task-status"
          value={task.status}
          onChange={(event) => void save({ status: event.currentTarget.value as TaskStatus }, "Status saved.")}
        >
          {STATUS_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="task-priority">Priority</label>
        <select
          id="task-priority"
          value={task.priority}
          onChange={(event) => void save({ priority: event.currentTarget.value as Priority }, "Priority saved.")}
        >
          {PRIORITY_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field task-fields__wide">
        <label for="task-progress">
          Progress: <output for="task-progress">{progress}%</output>
        </label>
        <input
          id="task-progress"
          type="range"
          min={0}
          max={100}
          step={5}
          value={progress}
          aria-valuetext={`${progress}%`}
          onInput={(event) => setProgress(Number(event.currentTarget.value))}
          onChange={(event) => {
            const value = Number(event.currentTarget.value);
            if (value !== task.progress) void save({ progress: value }, "Progress saved.");
          }}
        />
      </div>
      <div class="task-fields__wide">
        <DueField
          id="task-due"
          value={task.due_date ?? ""}
          onChange={(value) => void save({ due_date: value || null }, value ? "Due date saved." : "Due date cleared.")}
        />
      </div>
      <div class="field">
        <label for="drawer-assignee">Assignee</label>
        <select
          id="drawer-assignee"
          value={task.assignee ? String(task.assignee.id) : ""}
          aria-describedby={assignees.note ? "drawer-assignee-hint" : undefined}
          onChange={(event) => {
            const value = event.currentTarget.value;
            void save({ assignee_id: value ? Number(value) : null }, "Assignee saved.");
          }}
        >
          <option value="">Unassigned</option>
          {personOptions(people, user.id).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {assignees.note && (
          <p id="drawer-assignee-hint" class="field__hint">
            {assignees.note}
          </p>
        )}
      </div>
      <div class="field">
        <label for="task-project">Project</label>
        <select
          id="task-project"
          value={task.project ? String(task.project.id) : ""}
          onChange={(event) => {
            const value = event.currentTarget.value;
            void save({ project_id: value ? Number(value) : null }, "Project saved.");
          }}
        >
          {projectOptions.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function Description({ task, save }: { task: Task; save: Save }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(task.description);
  return (
    <section class="task-detail__section" aria-labelledby="task-description-heading">
      <div class="task-detail__head">
        <h3 id="task-description-heading">Description</h3>
        {task.can_edit && !editing && (
          <button
            type="button"
            class="button button--small"
            onClick={() => {
              setText(task.description);
              setEditing(true);
            }}
          >
            Edit description
          </button>
        )}
      </div>
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save({ description: text }, "Description saved.").then(() => setEditing(false));
          }}
        >
          <MarkdownEditor
            id="task-description"
            label="Description"
            value={text}
            onInput={setText}
            rows={8}
            maxLength={20000}
            mentions={{ kind: "task", id: task.id }}
          />
          <div class="button-row">
            <button type="submit" class="button button--primary">
              Save description
            </button>
            <button type="button" class="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : task.description.trim() ? (
        <Markdown text={task.description} />
      ) : (
        <p class="muted">No description.</p>
      )}
    </section>
  );
}

function Comments({ task, onCommented }: { task: Task; onCommented: () => void }) {
  const comments = useLoad(() => listComments(task.id), [task.id]);
  const [body, setBody] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!body.trim()) {
      setError("Write something first.");
      return;
    }
    setBusy(true);
    try {
      await addComment(task.id, body);
      setBody("");
      setError("");
      toast("Comment added.", "success");
      comments.reload();
      onCommented();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <LoadState loaded={comments} what="comments" />
      {comments.data?.length === 0 && <p class="muted">No comments yet.</p>}
      <ol class="comments">
        {comments.data?.map((comment) => (
          <li key={comment.id} class="comment">
            <p class="comment__meta">
              <strong>{refName(comment.author)}</strong>{" "}
              <span class="muted">
                <Time value={comment.created_at} relative />
              </span>
            </p>
            <Markdown text={comment.body} />
          </li>
        ))}
      </ol>
      {task.can_edit && (
        <form onSubmit={submit} noValidate>
          <MarkdownEditor
            id="new-comment"
            label="Add a comment"
            value={body}
            onInput={setBody}
            maxLength={10000}
            error={error}
            required
            mentions={{ kind: "task", id: task.id }}
          />
          <button type="submit" class="button button--primary" disabled={busy}>
            Comment
          </button>
        </form>
      )}
    </>
  );
}

const FIELD_LABELS: Record<string, string> = {
  title: "title",
  description: "description",
  status: "status",
  progress: "progress",
  priority: "priority",
  due_date: "due date",
  assignee: "assignee",
  assignee_id: "assignee",
  project: "project",
  project_id: "project",
  archived: "archived",
  labels: "labels",
  checklist: "checklist",
};

function quoted(text: string | null): string {
  const value = text ?? "";
  return `“${value.length > 80 ? `${value.slice(0, 79)}…` : value}”`;
}

/** One line of the activity log in words. */
export function describeActivity(item: Activity): string {
  const field = FIELD_LABELS[item.field] ?? item.field;
  const value = (text: string | null) => {
    if (text === null || text === "") return "nothing";
    if (item.field === "status" && text in TASK_STATUS_LABELS) return TASK_STATUS_LABELS[text as TaskStatus];
    if (item.field === "description") return "new text";
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  };
  switch (item.action) {
    case "created":
      return "created the task";
    case "commented":
      return "commented";
    case "archived":
      return "archived the task";
    case "restored":
      return "restored the task";
    case "moved":
      return `moved it from ${value(item.old_value)} to ${value(item.new_value)}`;
    case "checked":
      return `ticked ${quoted(item.new_value)} on the checklist`;
    case "unchecked":
      return `unticked ${quoted(item.new_value)} on the checklist`;
    case "updated":
      if (item.field === "description") return "changed the description";
      if (item.field === "checklist") {
        if (item.old_value === null) return `added ${quoted(item.new_value)} to the checklist`;
        if (item.new_value === null) return `removed ${quoted(item.old_value)} from the checklist`;
        return `renamed checklist item ${quoted(item.old_value)} to ${quoted(item.new_value)}`;
      }
      return `changed ${field} from ${value(item.old_value)} to ${value(item.new_value)}`;
    default:
      return field ? `${item.action} ${field}` : item.action;
  }
}

function ActivityLog({ taskId, version }: { taskId: number; version: number }) {
  const activity = useLoad(() => listActivity(taskId), [taskId, version]);
  return (
    <>
      <LoadState loaded={activity} what="the activity" />
      {activity.data?.length === 0 && <p class="muted">No activity yet.</p>}
      <ol class="activity">
        {activity.data?.map((item) => (
          <li key={item.id}>
            <strong>{refName(item.actor, "Someone")}</strong> {describeActivity(item)}{" "}
            <span class="muted">
              <Time value={item.created_at} relative />
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
