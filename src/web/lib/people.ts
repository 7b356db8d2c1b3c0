// The people directory: every signed-in user may pick a colleague by name (GET /api/people).
import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Page, UserRef } from "@/lib/types";

export type PeopleQuery = Api.PeopleQuery;

export function listPeople(query: PeopleQuery = {}): Promise<Page<UserRef>> {
  return request<Page<UserRef>>("GET", withQuery("/api/people", query));
}
