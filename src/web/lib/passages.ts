// Passages from the knowledge index as the Ask, Chat and assistant pages cite them.

import type { Passage } from "@/lib/api-types";

// Generated from the API's schemas (lib/api-types.ts), not kept by hand.
export type { Citation, Passage } from "@/lib/api-types";
export type DocKind = Passage["kind"];

/** Shown wherever passages come from the keyword index alone: the semantic index is being rebuilt, its Chroma
 * server does not answer, or the knowledge worker cannot start. */
export const DEGRADED_NOTE =
  "Semantic search is unavailable for now (its index is being repaired, or restarted); these results come from keyword search.";

/** A citation's own link: the Knowledge page opens the document with the passage marked. */
export function passageLink(documentId: number, chunkId: number): string {
  return `/knowledge?doc=${documentId}&passage=${chunkId}`;
}
