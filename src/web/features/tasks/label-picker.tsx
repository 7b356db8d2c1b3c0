// Choosing a task's labels: a group of checkboxes, each showing the label's chip; offers the labels a task in
// `projectId` may carry (global ones and that project's).
import { useEffect, useState } from "preact/hooks";
import { LabelChip } from "@/components/label-chip";
import { type Label, listLabels } from "@/features/tasks/api";

/** The labels a task in the project may carry (`"none"`: a personal task), or every label the user can see
 * (undefined); empty until loaded or when none exist. */
export function useLabels(scope: number | "none" | undefined): Label[] {
  const [labels, setLabels] = useState<Label[]>([]);
  useEffect(() => {
    let live = true;
    listLabels(scope).then(
      (found) => live && setLabels(found),
      () => live && setLabels([]), // the picker offers nothing; saving still says what went wrong
    );
    return () => {
      live = false;
    };
  }, [scope]);
  return labels;
}

type Props = {
  id: string;
  labels: readonly Label[];
  selected: readonly number[];
  onChange: (ids: number[]) => void;
  disabled?: boolean;
  error?: string | undefined;
};

export function LabelPicker({ id, labels, selected, onChange, disabled, error }: Props) {
  if (labels.length === 0) {
    return (
      <fieldset class="check-group label-picker" id={id}>
        <legend>Labels</legend>
        <p class="muted">No labels to choose from yet.</p>
      </fieldset>
    );
  }
  const toggle = (labelId: number, on: boolean) =>
    onChange(on ? [...selected.filter((other) => other !== labelId), labelId] : selected.filter((o) => o !== labelId));
  return (
    <fieldset class="check-group label-picker" id={id} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>Labels</legend>
      {labels.map((label) => (
        <label key={label.id} class="checkbox">
          <input
            type="checkbox"
            checked={selected.includes(label.id)}
            disabled={disabled}
            onChange={(event) => toggle(label.id, event.currentTarget.checked)}
          />
          <LabelChip label={label} />
        </label>
      ))}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
