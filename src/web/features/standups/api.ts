// Calls of the standups slice: daily entries, the team feed and history, convert lines to tasks, export.

import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Task, TaskStatus } from "@/lib/tasks";
import type { Page } from "@/lib/types";

export const SECTIONS = ["yesterday", "today", "blockers"] as const;
export type Section = (typeof SECTIONS)[number];
export const SECTION_LABELS: Record<Section, string> = {
  yesterday: "Yesterday",
  today: "Today",
  blockers: "Blockers",
};

export type LinkedTask = { id: number; title: string; status: TaskStatus };

export type Standup = Api.StandupOut;

export type StandupInput = {
  day?: string;
  yesterday: string;
  today: string;
  blockers: string;
  project_id: number | null;
};
export type StandupToday = { day: string; next_working_day: string; mine: Standup | null };
export type StandupQuery = {
  day?: string;
  from?: string;
  to?: string;
  author?: string;
  project?: string;
  limit: number;
  offset: number;
};
export type ConvertItem = {
  section: Section;
  text: string;
  status?: TaskStatus;
  project_id?: number | null;
  due_date?: string | null;
  assignee_id?: number | null;
};

const standupPath = (id: number) => `/api/standups/${id}`;

export function getToday(): Promise<StandupToday> {
  return request<StandupToday>("GET", "/api/standups/today");
}

export function listStandups(query: StandupQuery): Promise<Page<Standup>> {
  return request<Page<Standup>>("GET", withQuery("/api/standups", query));
}

export function getStandup(id: number): Promise<Standup> {
  return request<Standup>("GET", standupPath(id));
}

/** 409 `standup_exists` with detail {id} when the author already filed for that day. */
export function createStandup(input: StandupInput): Promise<Standup> {
  return request<Standup>("POST", "/api/standups", { body: input });
}

export function updateStandup(id: number, patch: Omit<StandupInput, "day">): Promise<Standup> {
  return request<Standup>("PATCH", standupPath(id), { body: patch });
}

export function deleteStandup(id: number): Promise<void> {
  return request<void>("DELETE", standupPath(id));
}

export async function convertStandup(id: number, items: ConvertItem[]): Promise<Task[]> {
  return (await request<{ tasks: Task[] }>("POST", `${standupPath(id)}/convert`, { body: { items } })).tasks;
}

/** The Markdown export of a day, as a download link. */
export function exportPath(day: string, project?: string): string {
  return withQuery("/api/standups/export", { day, project });
}

export type Roster = Api.RosterOut;

/** Who filed a standup for the day, who has not, who is away (everyone signed in, or a project's members). */
export function getRoster(day: string, project?: number): Promise<Roster> {
  const query = new URLSearchParams({ day });
  if (project !== undefined) query.set("project", String(project));
  return request<Roster>("GET", `/api/standups/roster?${query}`);
}
