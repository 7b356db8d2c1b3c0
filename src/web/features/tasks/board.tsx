// The board: a column per status. Drag a card to another column to change its status, or use the card's
// status menu (the keyboard way). Cards are plain markup with no per-card effects or fetches, and the drag
// handlers sit on the board, so 500 cards render fast. From the keyboard, the arrow keys step through the status
// menu without moving the card; Enter moves it, and focus follows the card's menu into its new column.
import { useEffect, useMemo, useRef } from "preact/hooks";
import { LabelChips } from "@/components/label-chip";
import { PRIORITY_LABELS, TASK_STATUS_LABELS, TASK_STATUSES, type Task, type TaskStatus } from "@/features/tasks/api";
import { ChecklistProgress } from "@/features/tasks/checklist";
import { formatShortDay } from "@/lib/dates";
import { refName } from "@/lib/types";

type Props = {
  tasks: Task[];
  href: (id: number) => string;
  onMove: (task: Task, status: TaskStatus) => void;
};

const DRAG_TYPE = "application/x-devcell-task";

export function groupByStatus(tasks: readonly Task[]): Record<TaskStatus, Task[]> {
  const columns: Record<TaskStatus, Task[]> = { todo: [], in_progress: [], blocked: [], done: [] };
  for (const task of tasks) columns[task.status]?.push(task);
  return columns;
}

export function Board({ tasks, href, onMove }: Props) {
  const byId = useMemo(() => new Map(tasks.map((task) => [task.id, task])), [tasks]);
  const columns = useMemo(() => groupByStatus(tasks), [tasks]);
  const dragged = useRef<number | null>(null);
  const onMoveRef = useRef(onMove);
  onMoveRef.current = onMove;
  const boardRef = useRef<HTMLDivElement>(null);
  // The card moved from its status menu: its menu gets the focus back once the card shows in its new column.
  const refocus = useRef<number | null>(null);

  useEffect(() => {
    const id = refocus.current;
    if (id === null) return;
    refocus.current = null;
    boardRef.current?.querySelector<HTMLSelectElement>(`[data-task-id="${id}"] .board-card__status`)?.focus();
  }, [columns]);

  // Cards only re-render when the tasks change, not on drag-over highlighting (which touches the DOM directly).
  const rendered = useMemo(
    () =>
      TASK_STATUSES.map((status) => (
        <Column
          key={status}
          status={status}
          tasks={columns[status]}
          href={href}
          onMove={(t, s) => {
            refocus.current = t.id;
            onMoveRef.current(t, s);
          }}
        />
      )),
    [columns, href],
  );

  function onDragStart(event: DragEvent) {
    const card = (event.target as HTMLElement).closest<HTMLElement>("[data-task-id]");
    if (!card || !event.dataTransfer) return;
    dragged.current = Number(card.dataset.taskId);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData(DRAG_TYPE, String(dragged.current));
    event.dataTransfer.setData("text/plain", card.dataset.title ?? "");
  }

  function columnOf(event: DragEvent): HTMLElement | null {
    return (event.target as HTMLElement).closest<HTMLElement>("[data-status]");
  }

  function onDragOver(event: DragEvent) {
    if (dragged.current === null || !columnOf(event)) return;
    event.preventDefault(); // allows the drop
    if (event.dataTransfer) event.dataTransfer.dropEffect = "move";
  }

  function onDragEnter(event: DragEvent) {
    const column = columnOf(event);
    if (dragged.current === null || !column) return;
    for (const other of document.querySelectorAll(".board__column--over")) {
      if (other !== column) other.classList.remove("board__column--over");
    }
    column.classList.add("board__column--over");
  }

  function clearHighlight() {
    for (const column of document.querySelectorAll(".board__column--over")) {
      column.classList.remove("board__column--over");
    }
  }

  function onDrop(event: DragEvent) {
    const column = columnOf(event);
    const id = dragged.current;
    dragged.current = null;
    clearHighlight();
    if (!column || id === null) return;
    event.preventDefault();
    const task = byId.get(id);
    const status = column.dataset.status as TaskStatus;
    if (task && task.status !== status) onMoveRef.current(task, status);
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dragging is the pointer shortcut; each card's status menu is the keyboard way
    <div
      ref={boardRef}
      class="board"
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnter={onDragEnter}
      onDrop={onDrop}
      onDragEnd={() => {
        dragged.current = null;
        clearHighlight();
      }}
    >
      {rendered}
    </div>
  );
}

type ColumnProps = {
  status: TaskStatus;
  tasks: Task[];
  href: (id: number) => string;
  onMove: (task: Task, status: TaskStatus) => void;
};

function Column({ status, tasks, href, onMove }: ColumnProps) {
  const headingId = `board-${status}`;
  return (
    <section class="board__column" data-status={status} aria-labelledby={headingId}>
      <h2 id={headingId} class="board__heading">
        {TASK_STATUS_LABELS[status]} <span class="board__count">{tasks.length}</span>
      </h2>
      <ul class="board__cards">
        {tasks.map((task) => (
          <Card key={task.id} task={task} href={href(task.id)} onMove={onMove} />
        ))}
      </ul>
      {tasks.length === 0 && <p class="muted board__empty">No tasks</p>}
    </section>
  );
}

function Card({ task, href, onMove }: { task: Task; href: string; onMove: (task: Task, status: TaskStatus) => void }) {
  return (
    <li
      class={`board-card priority--${task.priority}`}
      data-task-id={task.id}
      data-title={task.title}
      draggable={task.can_edit}
    >
      <a class="board-card__title" href={href} draggable={false}>
        {task.title}
      </a>
      {task.labels.length > 0 && (
        <p class="board-card__labels">
          <LabelChips labels={task.labels} />
        </p>
      )}
      <p class="board-card__meta">
        <ChecklistProgress task={task} />
        {task.priority !== "normal" && <span class="priority">{PRIORITY_LABELS[task.priority]}</span>}
        {task.due_date && (
          <span class={task.overdue ? "overdue" : undefined}>
            Due {formatShortDay(task.due_date)}
            {task.overdue ? " (overdue)" : ""}
          </span>
        )}
        {task.assignee && <span>{refName(task.assignee)}</span>}
        {task.project && <span class="muted">{task.project.name}</span>}
      </p>
      {task.can_edit && (
        <select
          class="board-card__status"
          aria-label={`Status of ${task.title}`}
          value={task.status}
          onChange={(event) => onMove(task, event.currentTarget.value as TaskStatus)}
          onKeyDown={(event) => stepStatus(event, task, onMove)}
          onBlur={(event) => {
            event.currentTarget.value = task.status;
          }}
        >
          {TASK_STATUSES.map((status) => (
            <option key={status} value={status}>
              {TASK_STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      )}
    </li>
  );
}

/**
 * A closed status menu changes its value (and fires "change") on every arrow key, which would move the card at
 * the first key press. Here the arrows only step the shown selection, Enter moves the card and Escape puts the
 * selection back.
 */
function stepStatus(event: KeyboardEvent, task: Task, onMove: (task: Task, status: TaskStatus) => void) {
  const select = event.currentTarget as HTMLSelectElement;
  const at = TASK_STATUSES.indexOf(select.value as TaskStatus);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const next = Math.min(TASK_STATUSES.length - 1, Math.max(0, at + (event.key === "ArrowDown" ? 1 : -1)));
    select.value = TASK_STATUSES[next] ?? task.status;
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (select.value !== task.status) onMove(task, select.value as TaskStatus);
  } else if (event.key === "Escape" && select.value !== task.status) {
    event.preventDefault();
    select.value = task.status;
  }
}
