// Projects as several features see them: the type, its status vocabulary, and the cached choices a picker offers.
import { request, withQuery } from "@/lib/api";
import type { MemberOut } from "@/lib/api-types";
import type { Page, UserRef } from "@/lib/types";

export const PROJECT_STATUSES = ["planned", "active", "blocked", "done"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
export const PROJECT_ROLES = ["owner", "member", "viewer"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export type TaskCounts = { total: number; todo: number; in_progress: number; blocked: number; done: number };

export type Project = {
  id: number;
  name: string;
  description: string;
  status: ProjectStatus;
  archived: boolean;
  /** Its own team standup time "HH:MM" (appliance time zone); "": the global one. */
  standup_time: string;
  created_by: UserRef;
  created_at: string;
  updated_at: string;
  my_role: ProjectRole | null;
  can_edit: boolean;
  can_manage: boolean;
  member_count: number;
  task_counts: TaskCounts;
};
/** Generated from the API's schemas (lib/api-types.ts), not kept by hand. */
export type Member = MemberOut;

export type ProjectQuery = {
  q?: string;
  status?: string;
  archived?: "false" | "true" | "all";
  mine?: boolean;
  limit: number;
  offset: number;
};

export const PROJECT_STATUS_LABELS: Record<ProjectStatus, string> = {
  planned: "Planned",
  active: "Active",
  blocked: "Blocked",
  done: "Done",
};
export const PROJECT_STATUS_BADGE: Record<ProjectStatus, string> = {
  planned: "badge badge--muted",
  active: "badge badge--accent",
  blocked: "badge badge--fail",
  done: "badge badge--ok",
};

export const projectPath = (id: number) => `/api/projects/${id}`;

export function listProjects(query: ProjectQuery): Promise<Page<Project>> {
  return request<Page<Project>>("GET", withQuery("/api/projects", query));
}

let mine: Promise<Project[]> | null = null;

/** Active projects the caller sees (an admin: all), for pickers; cached until a project changes here. */
export function projectChoices(): Promise<Project[]> {
  mine ??= listProjects({ archived: "false", limit: 200, offset: 0 }).then(
    (page) => page.items.sort((a, b) => a.name.localeCompare(b.name)),
    (error: unknown) => {
      mine = null;
      throw error;
    },
  );
  return mine;
}

/** Passes `result` through, dropping the cached choices: a project or its members changed. */
export function projectsChanged<T>(result: T): T {
  mine = null;
  return result;
}

export async function listMembers(id: number): Promise<Member[]> {
  return (await request<{ items: Member[] }>("GET", `${projectPath(id)}/members`)).items;
}
