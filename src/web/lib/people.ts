// The people directory: every signed-in user may pick a colleague by name (GET /api/people), open a colleague's
// page (GET /api/people/{username}) and @mention those who can see an item (GET /api/notifications/mentionable).
import { useEffect, useState } from "preact/hooks";
import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Page, UserRef } from "@/lib/types";

export type PeopleQuery = Api.PeopleQuery;
export type Person = Api.PersonDetail;

export function listPeople(query: PeopleQuery = {}): Promise<Page<UserRef>> {
  return request<Page<UserRef>>("GET", withQuery("/api/people", query));
}

export function getPerson(username: string): Promise<Person> {
  return request<Person>("GET", `/api/people/${encodeURIComponent(username)}`);
}

/** Where a Markdown text is written, so @mention suggestions are the people who can see it: an item being edited
 * (`id`), or a new one (`projectId`, or neither: a personal task, a new project, the team's standup, a note for
 * everyone). */
export type MentionScope = {
  kind: "task" | "standup" | "note" | "project";
  id?: number | null;
  projectId?: number | null;
};

export function listMentionable(scope: MentionScope, q: string, limit = 8): Promise<UserRef[]> {
  const query = { kind: scope.kind, id: scope.id, project_id: scope.id ? null : scope.projectId, q, limit };
  return request<Api.MentionableOut>("GET", withQuery("/api/notifications/mentionable", query)).then(
    (found) => found.items,
  );
}

// Rendered mentions show each person's current display name: one directory for the whole page (a few pages of
// /api/people, kept a minute), never a request per mention.
const DIRECTORY_MS = 60_000;
let directory: Promise<Map<string, UserRef>> | null = null;

async function loadDirectory(): Promise<Map<string, UserRef>> {
  const byName = new Map<string, UserRef>();
  for (let offset = 0; ; offset += 200) {
    const page = await listPeople({ limit: 200, offset });
    for (const person of page.items) byName.set(person.username.toLowerCase(), person);
    if (page.items.length === 0 || offset + page.items.length >= page.total) return byName;
  }
}

/** Every active person by lower-case user name (cached; a failed load is tried again next time). */
export function peopleDirectory(): Promise<Map<string, UserRef>> {
  if (!directory) {
    const loading = loadDirectory();
    const forget = () => {
      if (directory === loading) directory = null;
    };
    directory = loading;
    loading.then(() => setTimeout(forget, DIRECTORY_MS), forget);
  }
  return directory;
}

/** The people directory once loaded (null until then, or when `wanted` is false: nothing to look up). */
export function usePeopleDirectory(wanted: boolean): ReadonlyMap<string, UserRef> | null {
  const [found, setFound] = useState<ReadonlyMap<string, UserRef> | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    peopleDirectory().then(
      (people) => live && setFound(people),
      () => undefined, // mentions stay plain text; the page itself still works
    );
    return () => {
      live = false;
    };
  }, [wanted]);
  return wanted ? found : null;
}
