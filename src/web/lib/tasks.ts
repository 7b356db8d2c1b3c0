// The task vocabulary several features show (statuses, priorities, their labels and badges) and the task itself,
// as GET /api/tasks returns it.
import type { UserRef } from "@/lib/types";

export const TASK_STATUSES = ["todo", "in_progress", "blocked", "done"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  todo: "To do",
  in_progress: "In progress",
  blocked: "Blocked",
  done: "Done",
};
export const TASK_STATUS_BADGE: Record<TaskStatus, string> = {
  todo: "badge badge--muted",
  in_progress: "badge badge--accent",
  blocked: "badge badge--fail",
  done: "badge badge--ok",
};
export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  urgent: "Urgent",
};

export type ProjectRef = { id: number; name: string };

export type Task = {
  id: number;
  title: string;
  description: string;
  status: TaskStatus;
  progress: number;
  priority: Priority;
  due_date: string | null;
  overdue: boolean;
  creator: UserRef;
  assignee: UserRef | null;
  project: ProjectRef | null;
  origin_standup_id: number | null;
  archived: boolean;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  can_edit: boolean;
  comment_count: number;
};
