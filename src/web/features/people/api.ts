// Calls of the person page: the person (lib/people), their open tasks the caller can see (GET /api/tasks) and the
// standups of theirs the caller may read (GET /api/standups?author=); both lists are filtered by the server.
import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Task } from "@/lib/tasks";
import type { Page } from "@/lib/types";

export type Standup = Api.StandupOut;

const OPEN = ["todo", "in_progress", "blocked"] as const;
export const TASK_LIMIT = 20;
export const STANDUP_LIMIT = 5;

export function openTasksOf(userId: number): Promise<Page<Task>> {
  const path = withQuery("/api/tasks", { assignee: userId, sort: "due", limit: TASK_LIMIT });
  return request<Page<Task>>("GET", `${path}&${OPEN.map((status) => `status=${status}`).join("&")}`);
}

export function recentStandupsOf(userId: number): Promise<Page<Standup>> {
  return request<Page<Standup>>("GET", withQuery("/api/standups", { author: userId, limit: STANDUP_LIMIT }));
}
