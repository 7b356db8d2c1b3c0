// Passages from the knowledge index as the Ask, Chat and assistant pages cite them.

export type DocKind = "md" | "txt" | "pdf";

export type Passage = {
  chunk_id: number;
  document_id: number;
  document_title: string;
  kind: DocKind;
  heading: string;
  page: number | null;
  text: string;
  context: string;
  similarity: number;
};

export type Citation = Passage & { number: number };

/** Shown wherever passages come from the keyword index while the semantic index is rebuilt. */
export const DEGRADED_NOTE = "The semantic index is being repaired; these results come from keyword search.";
