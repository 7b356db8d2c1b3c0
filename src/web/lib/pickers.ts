// Choices for the task forms and filters: projects the user sees, and people a task can be assigned to.
import { useEffect, useState } from "preact/hooks";
import { listPeople } from "@/lib/people";
import { listMembers, type Member, type Project, projectChoices } from "@/lib/projects";
import { useSession } from "@/lib/session";
import type { UserRef } from "@/lib/types";

export function useProjects(): Project[] {
  const [projects, setProjects] = useState<Project[]>([]);
  useEffect(() => {
    let live = true;
    projectChoices().then(
      (found) => live && setProjects(found),
      () => undefined, // the picker just offers fewer choices; the page's own load reports errors
    );
    return () => {
      live = false;
    };
  }, []);
  return projects;
}

const people = new Map<string, Promise<UserRef[]>>();

function load(key: string, fetch: () => Promise<UserRef[]>): Promise<UserRef[]> {
  let found = people.get(key);
  if (!found) {
    found = fetch().catch(() => {
      people.delete(key);
      return [];
    });
    people.set(key, found);
    setTimeout(() => people.delete(key), 60_000);
  }
  return found;
}

const members = new Map<number, Promise<Member[]>>();

function loadMembers(projectId: number): Promise<Member[]> {
  let found = members.get(projectId);
  if (!found) {
    found = listMembers(projectId).catch(() => {
      members.delete(projectId);
      return [];
    });
    members.set(projectId, found);
    setTimeout(() => members.delete(projectId), 60_000);
  }
  return found;
}

function loadPeople(projectId: number | null): Promise<UserRef[]> {
  if (projectId !== null) {
    return load(`p${projectId}`, async () => (await loadMembers(projectId)).map((member) => member.user));
  }
  return load("people", async () => (await listPeople({ limit: 200 })).items);
}

/** People whose names a form suggests: everyone active (the directory), for example to add a project member. */
export function useDirectory(): UserRef[] {
  const [found, setFound] = useState<UserRef[]>([]);
  useEffect(() => {
    let live = true;
    loadPeople(null).then((list) => live && setFound(list));
    return () => {
      live = false;
    };
  }, []);
  return found;
}

/** Who a task can be assigned to: a project's members, or for personal tasks any active colleague. */
export function usePeople(projectId: number | null, extra?: UserRef | null): UserRef[] {
  const { user } = useSession();
  const [found, setFound] = useState<UserRef[]>([]);
  useEffect(() => {
    let live = true;
    loadPeople(projectId).then((list) => live && setFound(list));
    return () => {
      live = false;
    };
  }, [projectId, user.id]);
  const me: UserRef = { id: user.id, username: user.username, display_name: user.display_name };
  const all = new Map<number, UserRef>();
  for (const person of [me, ...found, ...(extra ? [extra] : [])]) all.set(person.id, person);
  return [...all.values()].sort((a, b) => a.username.localeCompare(b.username));
}

export type Assignees = {
  /** Who can work on the task, sorted by username. */
  people: UserRef[];
  /** Why someone may be missing from the list (empty for personal tasks, which anyone can take). */
  note: string;
  loaded: boolean;
};

/**
 * Who a task can be assigned to: for a project task its members and owners (viewers can't work on it, and the
 * server refuses them), for a personal task any active colleague. `extra` (the current assignee) stays listed.
 */
export function useAssignees(projectId: number | null, extra?: UserRef | null): Assignees {
  const { user } = useSession();
  const [found, setFound] = useState<{ key: number | null; people: UserRef[]; viewers: UserRef[] } | null>(null);
  useEffect(() => {
    let live = true;
    if (projectId === null) {
      loadPeople(null).then((list) => live && setFound({ key: null, people: list, viewers: [] }));
    } else {
      loadMembers(projectId).then(
        (list) =>
          live &&
          setFound({
            key: projectId,
            people: list.filter((member) => member.role !== "viewer").map((member) => member.user),
            viewers: list.filter((member) => member.role === "viewer").map((member) => member.user),
          }),
      );
    }
    return () => {
      live = false;
    };
  }, [projectId, user.id]);
  const current = found && found.key === projectId ? found : null;
  const me: UserRef = { id: user.id, username: user.username, display_name: user.display_name };
  const all = new Map<number, UserRef>();
  for (const person of [...(projectId === null ? [me] : []), ...(current?.people ?? []), ...(extra ? [extra] : [])]) {
    all.set(person.id, person);
  }
  let note = "";
  if (projectId !== null) {
    note = "Only members and owners of this project can be assigned.";
    const viewers = current?.viewers ?? [];
    if (viewers.length > 0) {
      const names = viewers.map((person) => person.display_name || person.username).join(", ");
      note += ` Viewers of this project can't be assigned (${names}).`;
    }
  }
  return {
    people: [...all.values()].sort((a, b) => a.username.localeCompare(b.username)),
    note,
    loaded: current !== null,
  };
}
