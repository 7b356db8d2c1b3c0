// A due date with +1d / +3d / +7d / clear helpers (moving the set date, or counting from today).
import { fieldAria } from "@/components/form-field";
import { shiftDue, todayIso } from "@/lib/dates";

type Props = {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  disabled?: boolean;
};

export const DUE_STEPS = [1, 3, 7] as const;

export function DueField({ id, value, onChange, error, disabled }: Props) {
  return (
    <div class="field">
      <label for={id}>
        Due date<span class="field__optional"> (optional)</span>
      </label>
      <div class="due-field">
        <input
          id={id}
          name={id}
          type="date"
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.currentTarget.value)}
          {...fieldAria(id, undefined, error)}
        />
        {DUE_STEPS.map((days) => (
          <button
            key={days}
            type="button"
            class="button button--small"
            disabled={disabled}
            onClick={() => onChange(shiftDue(value, days, todayIso()))}
          >
            +{days}d
            <span class="visually-hidden">
              {value ? ` (due date ${dayCount(days)} later)` : ` (due in ${dayCount(days)})`}
            </span>
          </button>
        ))}
        <button type="button" class="button button--small" disabled={disabled || !value} onClick={() => onChange("")}>
          Clear<span class="visually-hidden"> the due date</span>
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

const dayCount = (days: number) => (days === 1 ? "1 day" : `${days} days`);
