// Shapes the work-tracking slices share (see the API contract): users in payloads and paged lists.
import type * as Api from "@/lib/api-types";

export type UserRef = Api.UserRef;
export type Page<T> = { items: T[]; total: number; limit: number; offset: number };

export function refName(user: UserRef | null | undefined, empty = "nobody"): string {
  return user ? user.display_name || user.username : empty;
}
