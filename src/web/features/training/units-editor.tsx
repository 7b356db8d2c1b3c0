// The preview of a transformed roadmap as an editable table: title, week, priority and description per unit, rows
// removed or added before anything is stored. Every control has its own label for screen readers.

import { MAX_UNITS, MAX_WEEK, type Unit, unitProblems } from "@/features/training/api";
import { PRIORITIES, PRIORITY_LABELS, type Priority } from "@/lib/tasks";

/** A unit being edited, with a key that stays with its row when rows above it are removed. */
export type Row = { key: number; unit: Unit };

let lastKey = 0;

export function toRows(units: readonly Unit[]): Row[] {
  return units.map((unit) => ({ key: ++lastKey, unit }));
}

type Props = { rows: Row[]; onChange: (rows: Row[]) => void };

export function UnitsEditor({ rows, onChange }: Props) {
  const change = (key: number, patch: Partial<Unit>) =>
    onChange(rows.map((row) => (row.key === key ? { key, unit: { ...row.unit, ...patch } } : row)));
  const remove = (key: number) => onChange(rows.filter((row) => row.key !== key));
  const add = () => {
    const week = rows.at(-1)?.unit.week ?? 1;
    onChange([...rows, ...toRows([{ title: "", description: "", week, priority: "normal" }])]);
  };

  return (
    <div>
      <div class="table-wrap">
        <table class="table training-units">
          <caption class="visually-hidden">Units to store</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Week</th>
              <th scope="col">Priority</th>
              <th scope="col">Description</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <UnitRow
                key={row.key}
                unit={row.unit}
                number={index + 1}
                onChange={(patch) => change(row.key, patch)}
                onRemove={() => remove(row.key)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p class="muted">No units left. Add one, or import the roadmap again.</p>}
      <button type="button" class="button" onClick={add} disabled={rows.length >= MAX_UNITS}>
        Add a unit
      </button>
    </div>
  );
}

type RowProps = { unit: Unit; number: number; onChange: (patch: Partial<Unit>) => void; onRemove: () => void };

function UnitRow({ unit, number, onChange, onRemove }: RowProps) {
  const problems = unitProblems(unit);
  const id = (field: string) => `unit-${number}-${field}`;
  const aria = (field: keyof Unit) =>
    problems[field] ? { "aria-invalid": "true" as const, "aria-describedby": id(`${field}-error`) } : {};
  const error = (field: keyof Unit) =>
    problems[field] && (
      <p id={id(`${field}-error`)} class="field__error">
        {problems[field]}
      </p>
    );
  return (
    <tr>
      <td>
        <label class="visually-hidden" for={id("title")}>
          Title of unit {number}
        </label>
        <input
          id={id("title")}
          class="training-units__title"
          value={unit.title}
          maxLength={200}
          onInput={(event) => onChange({ title: event.currentTarget.value })}
          {...aria("title")}
        />
        {error("title")}
      </td>
      <td>
        <label class="visually-hidden" for={id("week")}>
          Week of unit {number}
        </label>
        <input
          id={id("week")}
          class="training-units__week"
          type="number"
          min={1}
          max={MAX_WEEK}
          step={1}
          value={Number.isNaN(unit.week) ? "" : String(unit.week)}
          onInput={(event) => onChange({ week: event.currentTarget.valueAsNumber })}
          {...aria("week")}
        />
        {error("week")}
      </td>
      <td>
        <label class="visually-hidden" for={id("priority")}>
          Priority of unit {number}
        </label>
        <select
          id={id("priority")}
          class="inline-select"
          value={unit.priority}
          onChange={(event) => onChange({ priority: event.currentTarget.value as Priority })}
        >
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </td>
      <td>
        <label class="visually-hidden" for={id("description")}>
          Description of unit {number}
        </label>
        <textarea
          id={id("description")}
          class="training-units__description"
          rows={2}
          value={unit.description}
          maxLength={4000}
          onInput={(event) => onChange({ description: event.currentTarget.value })}
          {...aria("description")}
        />
        {error("description")}
      </td>
      <td class="table__actions">
        <button
          type="button"
          class="button button--small button--danger"
          onClick={onRemove}
          aria-label={`Remove unit ${number}: ${unit.title || "untitled"}`}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
