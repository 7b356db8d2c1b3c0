// The task list as a table with row selection (cards on a phone, where a table's columns would be cut off); the
// bulk bar acts on the selected rows.
import { useEffect, useState } from "preact/hooks";
import { LabelChips } from "@/components/label-chip";
import { PRIORITY_LABELS, TASK_STATUS_BADGE, TASK_STATUS_LABELS, type Task } from "@/features/tasks/api";
import { BulkBar } from "@/features/tasks/bulk-bar";
import { ChecklistProgress } from "@/features/tasks/checklist";
import { formatCompactDay } from "@/lib/dates";
import { useNarrow } from "@/lib/narrow";
import { refName } from "@/lib/types";

type Props = {
  tasks: Task[];
  /** Link to a task's drawer, keeping the list's query. */
  href: (id: number) => string;
  projectId: number | null;
  onBulkDone: () => void;
};

export function TaskTable({ tasks, href, projectId, onBulkDone }: Props) {
  const narrow = useNarrow();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  // A new page or filter: forget selections of rows that are no longer shown.
  useEffect(() => {
    setSelected((now) => new Set(tasks.filter((task) => now.has(task.id)).map((task) => task.id)));
  }, [tasks]);

  const editable = tasks.filter((task) => task.can_edit);
  const allSelected = editable.length > 0 && editable.every((task) => selected.has(task.id));
  const toggle = (id: number, on: boolean) =>
    setSelected((now) => {
      const next = new Set(now);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <>
      {selected.size > 0 && (
        <BulkBar
          ids={[...selected]}
          projectId={projectId}
          onClear={() => setSelected(new Set())}
          onDone={() => {
            setSelected(new Set());
            onBulkDone();
          }}
        />
      )}
      {narrow ? (
        <TaskCards
          tasks={tasks}
          href={href}
          selected={selected}
          allSelected={allSelected}
          editable={editable.length > 0}
          onSelectAll={(on) => setSelected(on ? new Set(editable.map((task) => task.id)) : new Set())}
          onToggle={toggle}
        />
      ) : (
        <div class="table-wrap">
          <table class="table task-table">
            <caption class="visually-hidden">Tasks</caption>
            <thead>
              <tr>
                <th scope="col" class="task-table__check">
                  <input
                    type="checkbox"
                    aria-label="Select all tasks on this page"
                    checked={allSelected}
                    disabled={editable.length === 0}
                    onChange={(event) =>
                      setSelected(event.currentTarget.checked ? new Set(editable.map((task) => task.id)) : new Set())
                    }
                  />
                </th>
                <th scope="col">Task</th>
                <th scope="col">Status</th>
                <th scope="col" class="hide-narrow">
                  Priority
                </th>
                <th scope="col">Due</th>
                <th scope="col" class="hide-narrow">
                  Assignee
                </th>
                <th scope="col" class="hide-narrow">
                  Project
                </th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((task) => (
                <tr key={task.id} class={selected.has(task.id) ? "is-selected" : undefined}>
                  <td class="task-table__check">
                    {task.can_edit && (
                      <input
                        type="checkbox"
                        aria-label={`Select ${task.title}`}
                        checked={selected.has(task.id)}
                        onChange={(event) => toggle(task.id, event.currentTarget.checked)}
                      />
                    )}
                  </td>
                  <td class="task-table__title">
                    <a href={href(task.id)}>{task.title}</a>
                    {task.archived && <span class="badge badge--muted item-list__badge">Archived</span>}
                    {task.comment_count > 0 && (
                      <span class="muted task-table__comments">
                        {" "}
                        · {task.comment_count === 1 ? "1 comment" : `${task.comment_count} comments`}
                      </span>
                    )}
                    {(task.labels.length > 0 || task.checklist_total > 0) && (
                      <span class="task-table__extras">
                        <LabelChips labels={task.labels} />
                        <ChecklistProgress task={task} />
                      </span>
                    )}
                  </td>
                  <td>
                    <span class={TASK_STATUS_BADGE[task.status]}>{TASK_STATUS_LABELS[task.status]}</span>
                    {task.progress > 0 && task.status !== "done" && <span class="muted"> {task.progress}%</span>}
                  </td>
                  <td class={`hide-narrow priority priority--${task.priority}`}>{PRIORITY_LABELS[task.priority]}</td>
                  <td class={task.overdue ? "overdue" : undefined}>
                    {task.due_date ? formatCompactDay(task.due_date) : <span class="muted">—</span>}
                    {task.overdue && <span class="visually-hidden"> (overdue)</span>}
                  </td>
                  <td class="hide-narrow">{refName(task.assignee, "—")}</td>
                  <td class="hide-narrow">
                    {task.project ? (
                      <a href={`/projects/${task.project.id}`}>{task.project.name}</a>
                    ) : (
                      <span class="muted">Personal</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

type CardsProps = {
  tasks: Task[];
  href: (id: number) => string;
  selected: Set<number>;
  allSelected: boolean;
  editable: boolean;
  onSelectAll: (on: boolean) => void;
  onToggle: (id: number, on: boolean) => void;
};

/** The phone's task list: one card per task with every column of the table, nothing cut off at the edge. */
function TaskCards({ tasks, href, selected, allSelected, editable, onSelectAll, onToggle }: CardsProps) {
  return (
    <>
      <label class="checkbox task-cards__all">
        <input
          type="checkbox"
          checked={allSelected}
          disabled={!editable}
          onChange={(event) => onSelectAll(event.currentTarget.checked)}
        />
        Select all tasks on this page
      </label>
      <ul class="task-cards" aria-label="Tasks">
        {tasks.map((task) => (
          <li
            key={task.id}
            class={selected.has(task.id) ? "task-card is-selected" : "task-card"}
            data-task-id={task.id}
          >
            <div class="task-card__head">
              {task.can_edit && (
                <input
                  type="checkbox"
                  aria-label={`Select ${task.title}`}
                  checked={selected.has(task.id)}
                  onChange={(event) => onToggle(task.id, event.currentTarget.checked)}
                />
              )}
              <a class="task-card__title" href={href(task.id)}>
                {task.title}
              </a>
            </div>
            <p class="task-card__meta">
              <span class={TASK_STATUS_BADGE[task.status]}>{TASK_STATUS_LABELS[task.status]}</span>
              {task.progress > 0 && task.status !== "done" && <span class="muted">{task.progress}%</span>}
              {task.priority !== "normal" && (
                <span class={`priority priority--${task.priority}`}>{PRIORITY_LABELS[task.priority]}</span>
              )}
              {task.archived && <span class="badge badge--muted">Archived</span>}
              <ChecklistProgress task={task} />
            </p>
            {task.labels.length > 0 && (
              <p class="task-card__meta">
                <LabelChips labels={task.labels} />
              </p>
            )}
            <p class="task-card__meta">
              <span class={task.overdue ? "overdue" : undefined}>
                {task.due_date ? `Due ${formatCompactDay(task.due_date)}` : "No due date"}
                {task.overdue ? " (overdue)" : ""}
              </span>
              <span>{refName(task.assignee, "Unassigned")}</span>
              {task.project ? (
                <a href={`/projects/${task.project.id}`}>{task.project.name}</a>
              ) : (
                <span class="muted">Personal</span>
              )}
              {task.comment_count > 0 && (
                <span class="muted">{task.comment_count === 1 ? "1 comment" : `${task.comment_count} comments`}</span>
              )}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
