// Labelled form controls with an optional hint and an inline error, wired up for screen readers.
import type { ComponentChildren, TargetedEvent } from "preact";

type Common = {
  id: string;
  label: string;
  hint?: ComponentChildren;
  error?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  /** Leave out the "(optional)" mark on fields that are not required. */
  noOptionalMark?: boolean;
};

/** aria-invalid and aria-describedby for a control whose hint and error render with `Field`. */
export function fieldAria(id: string, hint: unknown, error: string | undefined) {
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return { "aria-invalid": error ? ("true" as const) : undefined, "aria-describedby": describedBy || undefined };
}

type FieldProps = Common & { children: ComponentChildren; class?: string };

/** Label, hint, the control (children, which must carry `id` and `fieldAria`), error. */
export function Field({ id, label, hint, error, required, noOptionalMark, children, class: extra }: FieldProps) {
  return (
    <div class={extra ? `field ${extra}` : "field"}>
      <label for={id}>
        {label}
        {required || noOptionalMark ? null : <span class="field__optional"> (optional)</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} class="field__hint">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

type InputProps = Common & {
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "password" | "number" | "search" | "date";
  autocomplete?: string;
  placeholder?: string;
  min?: number | null;
  max?: number | null;
  maxLength?: number;
  /** id of a <datalist> with suggestions. */
  list?: string;
};

export function FormField(props: InputProps) {
  const { id, value, onInput, type = "text", autocomplete, required, disabled, hint, error, placeholder } = props;
  // preact types <input> attributes as a union keyed on `type`, so each type gets its own literal element.
  const input = {
    id,
    name: id,
    value,
    onInput: (event: TargetedEvent<HTMLInputElement>) => onInput(event.currentTarget.value),
    autocomplete,
    required,
    disabled,
    placeholder,
    maxLength: props.maxLength,
    ...fieldAria(id, hint, error),
  } as const;
  const control =
    type === "password" ? (
      <input type="password" {...input} />
    ) : type === "number" ? (
      <input type="number" step={1} min={props.min ?? undefined} max={props.max ?? undefined} {...input} />
    ) : type === "search" ? (
      <input type="search" {...input} />
    ) : type === "date" ? (
      <input type="date" {...input} />
    ) : (
      <input type="text" list={props.list} {...input} />
    );
  return <Field {...props}>{control}</Field>;
}

type TextAreaProps = Common & { value: string; onInput: (value: string) => void; rows?: number; maxLength?: number };

export function TextAreaField(props: TextAreaProps) {
  const { id, value, onInput, rows = 3, required, disabled, hint, error } = props;
  return (
    <Field {...props}>
      <textarea
        id={id}
        name={id}
        rows={rows}
        value={value}
        required={required}
        disabled={disabled}
        maxLength={props.maxLength}
        onInput={(event) => onInput(event.currentTarget.value)}
        {...fieldAria(id, hint, error)}
      />
    </Field>
  );
}

export type Option = { value: string; label: string };

type SelectProps = Common & { value: string; onChange: (value: string) => void; options: readonly Option[] };

export function SelectField(props: SelectProps) {
  const { id, value, onChange, options, required, disabled, hint, error } = props;
  return (
    <Field {...props} noOptionalMark>
      <select
        id={id}
        name={id}
        value={value}
        required={required}
        disabled={disabled}
        onChange={(event) => onChange(event.currentTarget.value)}
        {...fieldAria(id, hint, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

type BoundField = { id: string; value: string; error?: string | undefined; onInput: (value: string) => void };

/** A new password and the same again, as setup, registration and a reset link ask for them. */
export function NewPasswordFields({
  password,
  again,
  label = "Password",
}: {
  password: BoundField;
  again: BoundField;
  label?: string;
}) {
  return (
    <>
      <FormField
        {...password}
        label={label}
        type="password"
        autocomplete="new-password"
        hint="At least 10 characters."
        required
      />
      <FormField {...again} label={`${label} again`} type="password" autocomplete="new-password" required />
    </>
  );
}
