// Calls of the projects slice: projects and their members.
import { request, withQuery } from "@/lib/api";
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
  created_by: UserRef;
  created_at: string;
  updated_at: string;
  my_role: ProjectRole | null;
  can_edit: boolean;
  can_manage: boolean;
  member_count: number;
  task_counts: TaskCounts;
};
export type Member = { user: UserRef; role: ProjectRole; added_at: string };

export type ProjectQuery = {
  q?: string;
  status?: string;
  archived?: "false" | "true" | "all";
  mine?: boolean;
  limit: number;
  offset: number;
};
export type ProjectInput = { name: string; description: string; status: ProjectStatus };
export type ProjectPatch = Partial<ProjectInput> & { archived?: boolean };

export const STATUS_LABELS: Record<ProjectStatus, string> = {
  planned: "Planned",
  active: "Active",
  blocked: "Blocked",
  done: "Done",
};
export const ROLE_LABELS: Record<ProjectRole, string> = { owner: "Owner", member: "Member", viewer: "Viewer" };
export const STATUS_BADGE: Record<ProjectStatus, string> = {
  planned: "badge badge--muted",
  active: "badge badge--accent",
  blocked: "badge badge--fail",
  done: "badge badge--ok",
};

const projectPath = (id: number) => `/api/projects/${id}`;

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

function changed<T>(result: T): T {
  mine = null;
  return result;
}

export function getProject(id: number): Promise<Project> {
  return request<Project>("GET", projectPath(id));
}

export async function createProject(input: ProjectInput): Promise<Project> {
  return changed(await request<Project>("POST", "/api/projects", { body: input }));
}

export async function updateProject(id: number, patch: ProjectPatch): Promise<Project> {
  return changed(await request<Project>("PATCH", projectPath(id), { body: patch }));
}

export async function deleteProject(id: number, tasks: "archive" | "delete"): Promise<void> {
  return changed(await request<void>("DELETE", withQuery(projectPath(id), { tasks })));
}

export async function listMembers(id: number): Promise<Member[]> {
  return (await request<{ items: Member[] }>("GET", `${projectPath(id)}/members`)).items;
}

export async function addMember(id: number, username: string, role: ProjectRole): Promise<Member> {
  return changed(await request<Member>("POST", `${projectPath(id)}/members`, { body: { username, role } }));
}

export async function changeRole(id: number, username: string, role: ProjectRole): Promise<Member> {
  const path = `${projectPath(id)}/members/${encodeURIComponent(username)}`;
  return changed(await request<Member>("PATCH", path, { body: { role } }));
}

export async function removeMember(id: number, username: string): Promise<void> {
  return changed(await request<void>("DELETE", `${projectPath(id)}/members/${encodeURIComponent(username)}`));
}
