// A Markdown textarea with a Write / Preview switch; the preview uses the same sanitising renderer as the pages.
import { useState } from "preact/hooks";
import { fieldAria } from "@/components/form-field";
import { Markdown } from "@/components/markdown";

type Props = {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  rows?: number;
  maxLength?: number;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  disabled?: boolean;
};

export function MarkdownEditor({
  id,
  label,
  value,
  onInput,
  rows = 4,
  maxLength,
  hint,
  error,
  required,
  disabled,
}: Props) {
  const [preview, setPreview] = useState(false);
  const fullHint = hint ? `${hint} Markdown is supported.` : "Markdown is supported.";
  return (
    <div class="field md-editor">
      <div class="md-editor__head">
        <label for={id}>
          {label}
          {!required && <span class="field__optional"> (optional)</span>}
        </label>
        <button type="button" class="link-button" aria-pressed={preview} onClick={() => setPreview(!preview)}>
          {preview ? "Edit" : "Preview"}
          <span class="visually-hidden"> {label}</span>
        </button>
      </div>
      <p id={`${id}-hint`} class="field__hint">
        {fullHint}
      </p>
      {preview ? (
        <div class="md-editor__preview">
          {value.trim() ? <Markdown text={value} /> : <p class="muted">Nothing to preview.</p>}
        </div>
      ) : (
        <textarea
          id={id}
          name={id}
          rows={rows}
          value={value}
          maxLength={maxLength}
          required={required}
          disabled={disabled}
          onInput={(event) => onInput(event.currentTarget.value)}
          {...fieldAria(id, fullHint, error)}
        />
      )}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
