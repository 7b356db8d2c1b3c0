// Add a unit to a stored plan, or change one (a task already seeded from it keeps its own title and due date).
import { useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";
import { FormField, SelectField, TextAreaField } from "@/components/form-field";
import { addUnit, MAX_WEEK, type PlanUnit, type Unit, unitProblems, updateUnit } from "@/features/training/api";
import { PRIORITY_OPTIONS } from "@/lib/options";
import { useFormSubmit } from "@/lib/use-form-submit";

const FIELDS = ["title", "description", "week", "priority"] as const;

type Props = { planId: number; unit: PlanUnit | null; defaultWeek: number; onClose: () => void; onSaved: () => void };

export function UnitDialog({ planId, unit, defaultWeek, onClose, onSaved }: Props) {
  const [title, setTitle] = useState(unit?.title ?? "");
  const [week, setWeek] = useState(String(unit?.week ?? defaultWeek));
  const [priority, setPriority] = useState<string>(unit?.priority ?? "normal");
  const [description, setDescription] = useState(unit?.description ?? "");
  const { busy, errors, setErrors, formError, run } = useFormSubmit(FIELDS, { closes: true });

  async function submit(event: Event) {
    event.preventDefault();
    const data = { title: title.trim(), description: description.trim(), week: Number(week), priority } as Unit;
    const problems = unitProblems(data);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    await run(async () => {
      await (unit ? updateUnit(planId, unit.id, data) : addUnit(planId, data));
      onSaved();
    });
  }

  return (
    <Dialog title={unit ? "Edit unit" : "Add a unit"} onClose={onClose} wide>
      <form onSubmit={submit}>
        <FormField
          id="unit-title"
          label="Title"
          value={title}
          onInput={setTitle}
          maxLength={200}
          required
          error={errors.title}
        />
        <div class="grid-2">
          <FormField
            id="unit-week"
            label="Week"
            type="number"
            min={1}
            max={MAX_WEEK}
            value={week}
            onInput={setWeek}
            required
            error={errors.week}
          />
          <SelectField
            id="unit-priority"
            label="Priority"
            value={priority}
            options={PRIORITY_OPTIONS}
            onChange={setPriority}
          />
        </div>
        <TextAreaField
          id="unit-description"
          label="Description"
          value={description}
          onInput={setDescription}
          rows={4}
          maxLength={4000}
          error={errors.description}
        />
        {unit?.task_id && <p class="muted">Task #{unit.task_id}, already seeded from this unit, is not changed.</p>}
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        <div class="dialog__actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            {unit ? "Save unit" : "Add unit"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
