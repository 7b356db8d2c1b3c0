// Choices for the task forms and filters: projects the user sees, and people a task can be assigned to.
import { useEffect, useState } from "preact/hooks";
import { listPeople } from "@/lib/people";
import { listMembers, type Project, projectChoices } from "@/lib/projects";
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

function loadPeople(projectId: number | null): Promise<UserRef[]> {
  if (projectId !== null) {
    return load(`p${projectId}`, async () => (await listMembers(projectId)).map((member) => member.user));
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
