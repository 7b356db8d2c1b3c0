// Tasks: the list (filters, sort, pages, presets, bulk changes) or the board (?view=board), with the task
// drawer over either at /tasks/:id. All state is in the URL, so links, reloads and back/forward keep it.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { Dialog } from "@/components/dialog";
import { LabelManager } from "@/components/label-manager";
import { LoadState } from "@/components/load-state";
import { Pager } from "@/components/pager";
import { useToast } from "@/components/toast";
import { listTasks, TASK_STATUS_LABELS, type Task, type TaskStatus, updateTask } from "@/features/tasks/api";
import { Board } from "@/features/tasks/board";
import { FilterForm } from "@/features/tasks/filter-form";
import {
  apiQuery,
  countFilters,
  filterQuery,
  hasFilters,
  type ListState,
  listUrl,
  PAGE_SIZE,
  parseListState,
  type TaskFilters,
} from "@/features/tasks/filters";
import { PresetsBar } from "@/features/tasks/presets-bar";
import { TaskCreateDialog } from "@/features/tasks/task-create-dialog";
import { TaskDrawer } from "@/features/tasks/task-drawer";
import { TaskTable } from "@/features/tasks/task-table";
import { errorMessage } from "@/lib/api";
import { useNarrow } from "@/lib/narrow";
import { isAdmin, useSession } from "@/lib/session";
import type { Page } from "@/lib/types";
import { useLoad } from "@/lib/use-load";
import "@/features/tasks/tasks.css";

/** The board shows at most this many cards (the API pages by 200). */
export const BOARD_LIMIT = 1000;
const BOARD_PAGE = 200;

async function loadBoard(filters: TaskFilters): Promise<Page<Task>> {
  const forBoard = { ...filters, status: [] };
  const first = await listTasks(apiQuery(forBoard, BOARD_PAGE, 0));
  const more: Promise<Page<Task>>[] = [];
  for (let offset = BOARD_PAGE; offset < Math.min(first.total, BOARD_LIMIT); offset += BOARD_PAGE) {
    more.push(listTasks(apiQuery(forBoard, BOARD_PAGE, offset)));
  }
  const rest = await Promise.all(more);
  return { ...first, items: [...first.items, ...rest.flatMap((page) => page.items)] };
}

function exportSuffix(filters: TaskFilters): string {
  const query = filterQuery(filters);
  return query ? `?${query}` : "";
}

/** Opening and closing the drawer changes the path, and the router scrolls to the top on a new path; this puts
 * the list (or board) back where the user was, as if the drawer had simply opened over it. */
function useKeepListScroll(openId: number | null): void {
  const listScroll = useRef(0);
  useEffect(() => {
    if (openId !== null) return;
    // Taken just before a click or key press that may open the drawer, while the list is still in place.
    const remember = () => {
      listScroll.current = window.scrollY;
    };
    document.addEventListener("pointerdown", remember, true);
    document.addEventListener("keydown", remember, true);
    return () => {
      document.removeEventListener("pointerdown", remember, true);
      document.removeEventListener("keydown", remember, true);
    };
  }, [openId]);
  useEffect(() => {
    const top = listScroll.current;
    if (top > 0) requestAnimationFrame(() => window.scrollTo(0, top));
  }, [openId]);
}

/** The filters and saved filters; on a phone they fold behind a button, so the tasks come first. */
function TaskTools({
  filters,
  board,
  onChange,
}: {
  filters: TaskFilters;
  board: boolean;
  onChange: (filters: TaskFilters) => void;
}) {
  const narrow = useNarrow();
  const [open, setOpen] = useState(false);
  const set = countFilters(filters);
  return (
    <>
      {narrow && (
        <button
          type="button"
          class="button task-tools__toggle"
          aria-expanded={open}
          aria-controls="task-tools"
          onClick={() => setOpen(!open)}
        >
          {open ? "Hide filters" : "Filters"}
          {set > 0 ? ` (${set} set)` : ""}
        </button>
      )}
      {/* Hidden, not removed: the search box keeps what was typed while folded. */}
      <div id="task-tools" class="task-tools" hidden={narrow && !open}>
        <FilterForm filters={filters} board={board} onChange={onChange} />
        <PresetsBar filters={filters} onApply={onChange} />
      </div>
    </>
  );
}

export function TasksPage() {
  const { url, route } = useLocation();
  const { params } = useRoute();
  const search = url.includes("?") ? url.slice(url.indexOf("?")) : "";
  const state = useMemo(() => parseListState(new URLSearchParams(search)), [search]);
  const { filters, view, offset } = state;
  const board = view === "board";
  const openId = params.id && /^\d+$/.test(params.id) ? Number(params.id) : null;
  const [creating, setCreating] = useState(false);
  const [managingLabels, setManagingLabels] = useState(false);
  const [moved, setMoved] = useState<Record<number, Task>>({});
  const toast = useToast();
  const { user } = useSession();

  // The data depends on the filters, not on the open drawer.
  const dataKey = board ? apiQuery({ ...filters, status: [] }, BOARD_LIMIT, 0) : apiQuery(filters, PAGE_SIZE, offset);
  const tasks = useLoad(() => {
    setMoved({});
    return board ? loadBoard(filters) : listTasks(apiQuery(filters, PAGE_SIZE, offset));
  }, [dataKey, board]);

  const go = (next: ListState, replace = true) => route(listUrl(next, openId ?? undefined), replace);
  const setFilters = (next: TaskFilters) => go({ ...state, filters: next, offset: 0 });
  const href = useCallback((id: number) => listUrl(state, id), [search]);
  const items = useMemo(() => (tasks.data?.items ?? []).map((task) => moved[task.id] ?? task), [tasks.data, moved]);
  const projectId = /^\d+$/.test(filters.project) ? Number(filters.project) : null;

  async function move(task: Task, status: TaskStatus) {
    setMoved((now) => ({ ...now, [task.id]: { ...task, status } }));
    try {
      const saved = await updateTask(task.id, { status });
      setMoved((now) => ({ ...now, [task.id]: saved }));
      toast(`“${task.title}” moved to ${TASK_STATUS_LABELS[status]}.`, "success");
    } catch (error) {
      setMoved((now) => ({ ...now, [task.id]: task }));
      toast(errorMessage(error), "error");
    }
  }

  useKeepListScroll(openId);

  // /tasks?new=1 (the "c" shortcut) opens the New task dialog; the parameter leaves the URL, so a reload or the
  // back button does not open it again.
  const wantsNew = new URLSearchParams(search).get("new") === "1";
  useEffect(() => {
    if (!wantsNew) return;
    setCreating(true);
    route(listUrl(state, openId ?? undefined), true);
  }, [wantsNew]);

  const total = tasks.data?.total ?? 0;
  return (
    <section class={board ? "page page--full" : "page page--wide"}>
      <div class="page__header">
        <h1>{board ? "Task board" : "Tasks"}</h1>
        <div class="button-row">
          <nav class="segmented" aria-label="View">
            <a href={listUrl({ ...state, view: "list" })} aria-current={board ? undefined : "page"}>
              List
            </a>
            <a href={listUrl({ ...state, view: "board", offset: 0 })} aria-current={board ? "page" : undefined}>
              Board
            </a>
          </nav>
          <a class="button" href={`/api/tasks/export.csv${exportSuffix(filters)}`} download>
            Export CSV
          </a>
          {isAdmin(user) && (
            <button type="button" class="button" onClick={() => setManagingLabels(true)}>
              Global labels
            </button>
          )}
          <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
            New task
          </button>
        </div>
      </div>
      <TaskTools filters={filters} board={board} onChange={setFilters} />
      <LoadState loaded={tasks} what="tasks" />
      {tasks.data &&
        (board ? (
          <>
            {total > BOARD_LIMIT && (
              <p class="notice notice--warn">
                The board shows the {BOARD_LIMIT} most recently updated of {total} tasks. Filter by project or assignee
                to see the rest.
              </p>
            )}
            <Board tasks={items} href={href} onMove={(task, status) => void move(task, status)} />
          </>
        ) : (
          <>
            {items.length === 0 ? (
              <p class="muted">{hasFilters(filters) ? "No task matches these filters." : "No tasks yet."}</p>
            ) : (
              <TaskTable tasks={items} href={href} projectId={projectId} onBulkDone={tasks.reload} />
            )}
            <Pager
              total={total}
              offset={offset}
              pageSize={PAGE_SIZE}
              noun="tasks"
              onOffset={(next) => go({ ...state, offset: next }, false)}
            />
          </>
        ))}
      {openId !== null && (
        <TaskDrawer
          id={openId}
          onClose={() => route(listUrl(state))}
          onChanged={(task) => {
            if (task) setMoved((now) => ({ ...now, [task.id]: task }));
            else tasks.reload();
          }}
        />
      )}
      {managingLabels && (
        <Dialog
          title="Global labels"
          onClose={() => {
            setManagingLabels(false);
            tasks.reload(); // renamed, recoloured or deleted labels show on the rows
          }}
          wide
        >
          <p class="muted">
            Global labels can go on every task. A project's owners add labels for its tasks on the project's page.
          </p>
          <LabelManager projectId={null} canManage />
        </Dialog>
      )}
      {creating && (
        <TaskCreateDialog
          projectId={projectId}
          onClose={() => setCreating(false)}
          onCreated={(task) => {
            setCreating(false);
            tasks.reload();
            route(listUrl(state, task.id));
          }}
        />
      )}
    </section>
  );
}
