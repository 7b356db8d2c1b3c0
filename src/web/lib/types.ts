// Shapes the work-tracking slices share (see the API contract): users in payloads and paged lists.

export type UserRef = { id: number; username: string; display_name: string };
export type Page<T> = { items: T[]; total: number; limit: number; offset: number };

export function refName(user: UserRef | null | undefined, empty = "nobody"): string {
  return user ? user.display_name || user.username : empty;
}
