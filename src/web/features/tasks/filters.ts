// The task list's state lives in the URL query, so links and reloads keep it. The same names are the API's
// query parameters (TaskQuery); `view` and the page offset are the page's own.
import { PRIORITIES, type PresetFilters, type Priority, TASK_STATUSES, type TaskStatus } from "@/features/tasks/api";
import { isDay } from "@/lib/dates";

export const SORTS = [
  "-updated",
  "updated",
  "due",
  "-due",
  "-priority",
  "priority",
  "-created",
  "created",
  "title",
  "status",
] as const;
export type Sort = (typeof SORTS)[number];
export const SORT_LABELS: Record<Sort, string> = {
  "-updated": "Recently updated",
  updated: "Least recently updated",
  due: "Due date, soonest first",
  "-due": "Due date, latest first",
  "-priority": "Priority, highest first",
  priority: "Priority, lowest first",
  "-created": "Newest",
  created: "Oldest",
  title: "Title",
  status: "Status",
};
export type Archived = "false" | "true" | "all";
export type View = "list" | "board";

export type TaskFilters = {
  mine: boolean;
  /** A user id, "none" (unassigned) or "" (anyone). */
  assignee: string;
  /** A project id, "none" (personal tasks) or "" (any). */
  project: string;
  status: TaskStatus[];
  priority: Priority[];
  q: string;
  due_before: string;
  due_after: string;
  overdue: boolean;
  archived: Archived;
  /** Label ids: tasks carrying all of them. */
  label: string[];
  sort: Sort;
};

export const PAGE_SIZE = 50;

export const NO_FILTERS: TaskFilters = {
  mine: false,
  assignee: "",
  project: "",
  status: [],
  priority: [],
  q: "",
  due_before: "",
  due_after: "",
  overdue: false,
  archived: "false",
  label: [],
  sort: "-updated",
};

type Source = URLSearchParams | PresetFilters;

function all(source: Source, key: string): string[] {
  if (source instanceof URLSearchParams) return source.getAll(key);
  const value = source[key];
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}

function one(source: Source, key: string): string {
  return all(source, key)[0]?.trim() ?? "";
}

const isRef = (text: string) => text === "none" || /^[1-9]\d{0,9}$/.test(text);
const isTrue = (text: string) => text === "true" || text === "1";

/** Filters from a URL query or a saved preset; unknown or malformed values fall back to "no filter". */
export function parseFilters(source: Source): TaskFilters {
  const statuses = new Set(all(source, "status").flatMap((value) => value.split(",")));
  const priorities = new Set(all(source, "priority").flatMap((value) => value.split(",")));
  const archived = one(source, "archived");
  const sort = one(source, "sort");
  const assignee = one(source, "assignee");
  const project = one(source, "project");
  const dueBefore = one(source, "due_before");
  const dueAfter = one(source, "due_after");
  return {
    mine: isTrue(one(source, "mine")),
    assignee: isRef(assignee) ? assignee : "",
    project: isRef(project) ? project : "",
    status: TASK_STATUSES.filter((status) => statuses.has(status)),
    priority: PRIORITIES.filter((priority) => priorities.has(priority)),
    q: one(source, "q").slice(0, 200),
    due_before: isDay(dueBefore) ? dueBefore : "",
    due_after: isDay(dueAfter) ? dueAfter : "",
    overdue: isTrue(one(source, "overdue")),
    archived: archived === "true" || archived === "all" ? archived : "false",
    label: [...new Set(all(source, "label").filter((value) => /^[1-9]\d{0,9}$/.test(value)))].slice(0, 10),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : "-updated",
  };
}

/** The filters that differ from "no filter", as query parameters (also the shape saved in presets). */
export function filterParams(filters: TaskFilters): PresetFilters {
  const params: PresetFilters = {};
  if (filters.mine) params.mine = "true";
  if (filters.assignee) params.assignee = filters.assignee;
  if (filters.project) params.project = filters.project;
  if (filters.status.length) params.status = [...filters.status];
  if (filters.priority.length) params.priority = [...filters.priority];
  if (filters.q.trim()) params.q = filters.q.trim();
  if (filters.due_before) params.due_before = filters.due_before;
  if (filters.due_after) params.due_after = filters.due_after;
  if (filters.overdue) params.overdue = "true";
  if (filters.archived !== "false") params.archived = filters.archived;
  if (filters.label.length) params.label = [...filters.label];
  if (filters.sort !== NO_FILTERS.sort) params.sort = filters.sort;
  return params;
}

/** How many filters are set (the sort is not one): the folded filters' button says so on a phone. */
export function countFilters(filters: TaskFilters): number {
  const { sort: _sort, ...rest } = filterParams(filters);
  return Object.keys(rest).length;
}

export function hasFilters(filters: TaskFilters): boolean {
  const { sort: _sort, ...rest } = filterParams(filters);
  return Object.keys(rest).length > 0;
}

function toSearch(params: PresetFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  return search;
}

/** The filters alone as a query string (the CSV export takes the list's filters without paging). */
export function filterQuery(filters: TaskFilters): string {
  return toSearch(filterParams(filters)).toString();
}

/** The API query string for one page of the list. */
export function apiQuery(filters: TaskFilters, limit: number, offset: number): string {
  const search = toSearch(filterParams(filters));
  search.set("limit", String(limit));
  if (offset > 0) search.set("offset", String(offset));
  return search.toString();
}

export type ListState = { filters: TaskFilters; view: View; offset: number };

export function parseListState(search: URLSearchParams): ListState {
  const offset = Number(search.get("offset") ?? "0");
  return {
    filters: parseFilters(search),
    view: search.get("view") === "board" ? "board" : "list",
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The page's URL for a list state: `/tasks` (or `/tasks/ID` with the drawer open) plus the query. */
export function listUrl(state: ListState, taskId?: number): string {
  const search = toSearch(filterParams(state.filters));
  if (state.view === "board") search.set("view", "board");
  if (state.offset > 0 && state.view === "list") search.set("offset", String(state.offset));
  const text = search.toString();
  const path = taskId === undefined ? "/tasks" : `/tasks/${taskId}`;
  return text ? `${path}?${text}` : path;
}
