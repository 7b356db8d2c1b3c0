// The task vocabulary several features show (statuses, priorities, their labels and badges) and the task itself,
// as GET /api/tasks returns it.
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

// Generated from the API's schemas (lib/api-types.ts), not kept by hand.
export type { ProjectRef, TaskOut as Task } from "@/lib/api-types";
