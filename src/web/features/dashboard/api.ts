// The dashboard's one call: everything the start page shows for the signed-in user.

import { request } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { ProjectStatus, TaskCounts } from "@/lib/projects";
import type { Task } from "@/lib/tasks";

export type DayCount = Api.DayCount;
export type RecentItem = Api.ActivityItem;
export type ProjectSummary = {
  id: number;
  name: string;
  status: ProjectStatus;
  member_count: number;
  task_counts: TaskCounts;
  last_update: string | null;
};
export type Dashboard = {
  today: string;
  standup: { filed: boolean; id: number | null; day: string };
  my_tasks: { todo: number; in_progress: number; blocked: number; done_recent: number };
  due_soon: Task[];
  overdue: Task[];
  recent_activity: RecentItem[];
  projects: ProjectSummary[];
  completed_by_day: DayCount[];
};

export function getDashboard(): Promise<Dashboard> {
  return request<Dashboard>("GET", "/api/dashboard");
}
