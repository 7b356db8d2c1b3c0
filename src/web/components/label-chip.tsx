// A label as a coloured chip that always shows its name (colour is never the only cue).
import type { LabelRef } from "@/lib/tasks";
import "@/components/label-chip.css";

export function LabelChip({ label }: { label: Pick<LabelRef, "name" | "colour"> }) {
  return <span class={`label-chip label-chip--${label.colour}`}>{label.name}</span>;
}

/** The labels of a task, or nothing when it has none. */
export function LabelChips({ labels }: { labels: readonly LabelRef[] }) {
  if (labels.length === 0) return null;
  return (
    <span class="label-chips">
      <span class="visually-hidden">Labels: </span>
      {labels.map((label, index) => (
        <span key={label.id}>
          <LabelChip label={label} />
          {index < labels.length - 1 && <span class="visually-hidden">, </span>}
        </span>
      ))}
    </span>
  );
}
