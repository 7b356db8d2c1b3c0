// Calls of the projects slice: projects and their members.
import { request, withQuery } from "@/lib/api";
import {
  type Member,
  type Project,
  type ProjectRole,
  type ProjectStatus,
  projectPath,
  projectsChanged,
} from "@/lib/projects";

export {
  listMembers,
  listProjects,
  type Member,
  PROJECT_ROLES,
  PROJECT_STATUS_BADGE as STATUS_BADGE,
  PROJECT_STATUS_LABELS as STATUS_LABELS,
  PROJECT_STATUSES,
  type Project,
  type ProjectQuery,
  type ProjectRole,
  type ProjectStatus,
  projectChoices,
  type TaskCounts,
} from "@/lib/projects";

export type ProjectInput = { name: string; description: string; status: ProjectStatus; standup_time: string };
export type ProjectPatch = Partial<ProjectInput> & { archived?: boolean };

export const ROLE_LABELS: Record<ProjectRole, string> = { owner: "Owner", member: "Member", viewer: "Viewer" };

export function getProject(id: number): Promise<Project> {
  return request<Project>("GET", projectPath(id));
}

export async function createProject(input: ProjectInput): Promise<Project> {
  return projectsChanged(await request<Project>("POST", "/api/projects", { body: input }));
}

export async function updateProject(id: number, patch: ProjectPatch): Promise<Project> {
  return projectsChanged(await request<Project>("PATCH", projectPath(id), { body: patch }));
}

export async function deleteProject(id: number, tasks: "archive" | "delete"): Promise<void> {
  return projectsChanged(await request<void>("DELETE", withQuery(projectPath(id), { tasks })));
}

export async function addMember(id: number, username: string, role: ProjectRole): Promise<Member> {
  return projectsChanged(await request<Member>("POST", `${projectPath(id)}/members`, { body: { username, role } }));
}

export async function changeRole(id: number, username: string, role: ProjectRole): Promise<Member> {
  const path = `${projectPath(id)}/members/${encodeURIComponent(username)}`;
  return projectsChanged(await request<Member>("PATCH", path, { body: { role } }));
}

export async function removeMember(id: number, username: string): Promise<void> {
  return projectsChanged(await request<void>("DELETE", `${projectPath(id)}/members/${encodeURIComponent(username)}`));
}
