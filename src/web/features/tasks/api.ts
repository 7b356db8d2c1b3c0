// Calls of the tasks slice: tasks, bulk changes, comments, activity, checklists and saved filter presets (labels: lib/tasks).
import { request } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Priority, Task, TaskStatus } from "@/lib/tasks";
import type { Page } from "@/lib/types";

export {
  type Label,
  type LabelRef,
  labelOptionName,
  listLabels,
  PRIORITIES,
  PRIORITY_LABELS,
  type Priority,
  type ProjectRef,
  TASK_STATUS_BADGE,
  TASK_STATUS_LABELS,
  TASK_STATUSES,
  type Task,
  type TaskStatus,
} from "@/lib/tasks";

export type TaskInput = {
  title: string;
  description?: string;
  status?: TaskStatus;
  progress?: number;
  priority?: Priority;
  due_date?: string | null;
  assignee_id?: number | null;
  project_id?: number | null;
  label_ids?: number[];
};
export type TaskPatch = Partial<TaskInput> & { archived?: boolean };

export type BulkAction =
  | { action: "status"; status: TaskStatus }
  | { action: "shift_due"; days: number }
  | { action: "assign"; assignee_id: number | null }
  | { action: "archive" }
  | { action: "restore" }
  | { action: "move"; project_id: number | null }
  | { action: "add_label"; label_id: number }
  | { action: "remove_label"; label_id: number };
export type BulkResult = { updated: number; skipped: { id: number; reason: string }[] };

export type Comment = Api.CommentOut;
export type ChecklistItem = Api.ChecklistItemOut;
export type Checklist = Api.ChecklistOut;
export type Activity = Api.ActivityOut;

/** Saved filters: the list's query parameters by name (repeatable ones as arrays). */
export type PresetFilters = Record<string, string | string[]>;
export type Preset = { id: number; name: string; filters: PresetFilters; created_at?: string };

const taskPath = (id: number) => `/api/tasks/${id}`;

/** `query` is the list's query string (see filters.ts), without the leading "?". */
export function listTasks(query: string): Promise<Page<Task>> {
  return request<Page<Task>>("GET", query ? `/api/tasks?${query}` : "/api/tasks");
}

export function getTask(id: number): Promise<Task> {
  return request<Task>("GET", taskPath(id));
}

export function createTask(input: TaskInput): Promise<Task> {
  return request<Task>("POST", "/api/tasks", { body: input });
}

export function updateTask(id: number, patch: TaskPatch): Promise<Task> {
  return request<Task>("PATCH", taskPath(id), { body: patch });
}

/** A real delete; archiving is updateTask(id, {archived: true}). */
export function deleteTask(id: number): Promise<void> {
  return request<void>("DELETE", taskPath(id));
}

/** One request for any number of tasks (1-500). */
export function bulkUpdate(ids: readonly number[], action: BulkAction): Promise<BulkResult> {
  return request<BulkResult>("POST", "/api/tasks/bulk", { body: { ids, ...action } });
}

export async function listComments(id: number): Promise<Comment[]> {
  return (await request<{ items: Comment[] }>("GET", `${taskPath(id)}/comments`)).items;
}

export function addComment(id: number, body: string): Promise<Comment> {
  return request<Comment>("POST", `${taskPath(id)}/comments`, { body: { body } });
}

export async function listActivity(id: number): Promise<Activity[]> {
  return (await request<{ items: Activity[] }>("GET", `${taskPath(id)}/activity`)).items;
}

export function getChecklist(id: number): Promise<Checklist> {
  return request<Checklist>("GET", `${taskPath(id)}/checklist`);
}

export function addChecklistItem(id: number, text: string): Promise<ChecklistItem> {
  return request<ChecklistItem>("POST", `${taskPath(id)}/checklist`, { body: { text } });
}

/** Edit the text, tick or untick, or move to `position` (0 is the top). */
export function updateChecklistItem(
  id: number,
  itemId: number,
  patch: { text?: string; done?: boolean; position?: number },
): Promise<ChecklistItem> {
  return request<ChecklistItem>("PATCH", `${taskPath(id)}/checklist/${itemId}`, { body: patch });
}

export function deleteChecklistItem(id: number, itemId: number): Promise<void> {
  return request<void>("DELETE", `${taskPath(id)}/checklist/${itemId}`);
}

export async function listPresets(): Promise<Preset[]> {
  return (await request<{ items: Preset[] }>("GET", "/api/tasks/presets")).items;
}

export function createPreset(name: string, filters: PresetFilters): Promise<Preset> {
  return request<Preset>("POST", "/api/tasks/presets", { body: { name, filters } });
}

export function deletePreset(id: number): Promise<void> {
  return request<void>("DELETE", `/api/tasks/presets/${id}`);
}
