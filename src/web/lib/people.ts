// The people directory: every signed-in user may pick a colleague by name (GET /api/people).
import { request, withQuery } from "@/lib/api";
import type { Page, UserRef } from "@/lib/types";

export type PeopleQuery = { q?: string; limit?: number; offset?: number };

export function listPeople(query: PeopleQuery = {}): Promise<Page<UserRef>> {
  return request<Page<UserRef>>("GET", withQuery("/api/people", query));
}
