// The task vocabulary several features show (statuses, priorities, their labels and badges) and the task itself,
// as GET /api/tasks returns it; labels and their calls, which the tasks and projects features share.
import { request, withQuery } from "@/lib/api";
import type { LabelOut, LabelRef } from "@/lib/api-types";

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

// Labels: global ones (administrators manage them) and a project's own (its owners do). Used by the tasks feature
// (pickers, chips, filters, bulk) and the projects feature (a project's labels).

export type Label = LabelOut;
export type { LabelRef };
export type LabelColour = LabelRef["colour"];
/** The palette, in the order pickers offer it; names, because a chip never says anything by colour alone. */
export const LABEL_COLOURS: readonly LabelColour[] = [
  "red",
  "orange",
  "yellow",
  "green",
  "teal",
  "blue",
  "purple",
  "pink",
  "grey",
];
export const LABEL_COLOUR_NAMES: Record<LabelColour, string> = {
  red: "Red",
  orange: "Orange",
  yellow: "Yellow",
  green: "Green",
  teal: "Teal",
  blue: "Blue",
  purple: "Purple",
  pink: "Pink",
  grey: "Grey",
};
export type LabelInput = { name: string; colour: LabelColour };

/** `project`: a project's id (global labels and its own: what its tasks may carry), "none" (global labels only:
 * personal tasks), or undefined (every label the user can see). */
export async function listLabels(project?: number | "none"): Promise<Label[]> {
  const path =
    project === undefined ? "/api/tasks/labels" : withQuery("/api/tasks/labels", { project: String(project) });
  return (await request<{ items: Label[] }>("GET", path)).items;
}

export function createLabel(input: LabelInput, projectId: number | null): Promise<Label> {
  return request<Label>("POST", "/api/tasks/labels", { body: { ...input, project_id: projectId } });
}

export function updateLabel(id: number, patch: Partial<LabelInput>): Promise<Label> {
  return request<Label>("PATCH", `/api/tasks/labels/${id}`, { body: patch });
}

export function deleteLabel(id: number): Promise<void> {
  return request<void>("DELETE", `/api/tasks/labels/${id}`);
}

/** How a label reads in a list that mixes projects: "UI (Apollo)". */
export function labelOptionName(label: Label): string {
  return label.project ? `${label.name} (${label.project.name})` : label.name;
}
