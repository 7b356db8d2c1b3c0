// A labelled input with an optional hint and an inline error, wired up for screen readers.
import type { TargetedEvent } from "preact";

type Props = {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "password";
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  error?: string | undefined;
};

export function FormField({ id, label, value, onInput, type = "text", autocomplete, required, hint, error }: Props) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  // preact types <input> attributes as a union keyed on `type`, so each type gets its own literal element.
  const input = {
    id,
    name: id,
    value,
    onInput: (event: TargetedEvent<HTMLInputElement>) => onInput(event.currentTarget.value),
    autocomplete,
    required,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": [hintId, errorId].filter(Boolean).join(" ") || undefined,
  } as const;
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required ? null : <span class="field__optional"> (optional)</span>}
      </label>
      {hint && (
        <p id={hintId} class="field__hint">
          {hint}
        </p>
      )}
      {type === "password" ? <input type="password" {...input} /> : <input type="text" {...input} />}
      {error && (
        <p id={errorId} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
