// The command palette's one call: GET /api/find.
import { request, withQuery } from "@/lib/api";
import type { FindOut } from "@/lib/api-types";

export type { FindGroup, FindHit, FindOut } from "@/lib/api-types";

/** Longest query the endpoint accepts (longer is a 422). */
export const MAX_QUERY = 100;

export function findAnything(q: string, limit = 5): Promise<FindOut> {
  return request<FindOut>("GET", withQuery("/api/find", { q, limit }));
}
