// One plan: progress per week, the units grouped by week with links to their tasks, and seeding tasks from the
// selected units with a start date (each unit is due at the end of its week).
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useConfirm } from "@/components/confirm-dialog";
import { FormField, SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import {
  deletePlan,
  deleteUnit,
  dueDate,
  getPlan,
  groupByWeek,
  type Plan,
  type PlanUnit,
  renamePlan,
  type SeedResult,
  seedTasks,
} from "@/features/training/api";
import { Problem } from "@/features/training/problem";
import { ProgressBars } from "@/features/training/progress-bars";
import { UnitDialog } from "@/features/training/unit-dialog";
import { errorMessage } from "@/lib/api";
import { formatDay, isDay, todayIso } from "@/lib/dates";
import { personOptions } from "@/lib/options";
import { useAssignees } from "@/lib/pickers";
import { useSession } from "@/lib/session";
import { PRIORITY_LABELS, TASK_STATUS_BADGE, TASK_STATUS_LABELS } from "@/lib/tasks";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";

export function PlanView({ id }: { id: number }) {
  const plan = useLoad(() => getPlan(id), [id]);
  return (
    <section class="page page--wide">
      <p>
        <a href="/training">← All training plans</a>
      </p>
      <LoadState loaded={plan} what="the training plan" />
      {plan.data && <PlanBody plan={plan.data} reload={plan.reload} />}
    </section>
  );
}

function PlanBody({ plan, reload }: { plan: Plan; reload: () => void }) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [start, setStart] = useState(todayIso());
  const [editing, setEditing] = useState<PlanUnit | "new" | null>(null);
  const [result, setResult] = useState<SeedResult | null>(null);
  const { route } = useLocation();
  const confirm = useConfirm();
  const toast = useToast();
  const open = plan.units.filter((unit) => unit.task_id === null);

  const toggle = (ids: number[], on: boolean) => {
    const next = new Set(selected);
    for (const unitId of ids) {
      if (on) next.add(unitId);
      else next.delete(unitId);
    }
    setSelected(next);
  };

  async function removePlan() {
    const ok = await confirm({
      title: `Delete ${plan.title}?`,
      message: "The plan and its units are deleted. Tasks already seeded from it stay in the project.",
      confirmLabel: "Delete plan",
      danger: true,
    });
    if (!ok) return;
    try {
      await deletePlan(plan.id);
      toast(`${plan.title} deleted.`, "success");
      route("/training");
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  async function removeUnit(unit: PlanUnit) {
    const ok = await confirm({
      title: `Remove ${unit.title}?`,
      message: unit.task_id ? `Task #${unit.task_id} stays in the project.` : "The unit is removed from the plan.",
      confirmLabel: "Remove unit",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteUnit(plan.id, unit.id);
      toggle([unit.id], false);
      reload();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  return (
    <>
      <div class="page__header">
        <div>
          <h1>{plan.title}</h1>
          <p class="muted">
            <a href={`/projects/${plan.project.id}`}>{plan.project.name}</a> · {plan.units.length} units · by{" "}
            {refName(plan.created_by)}
          </p>
        </div>
        {plan.can_edit && (
          <div class="button-row">
            <RenameButton plan={plan} onRenamed={reload} />
            <button type="button" class="button button--danger" onClick={removePlan}>
              Delete plan
            </button>
          </div>
        )}
      </div>
      <ProgressBars progress={plan.progress} />
      {plan.can_edit && (
        <SeedPanel
          plan={plan}
          selected={selected}
          start={start}
          onStart={setStart}
          onSelectOpen={() =>
            toggle(
              open.map((unit) => unit.id),
              true,
            )
          }
          onClear={() => setSelected(new Set())}
          onSeeded={(seeded) => {
            setResult(seeded);
            setSelected(new Set());
            reload();
          }}
        />
      )}
      {result && <SeedReport result={result} />}
      {groupByWeek(plan.units).map(({ week, units }) => (
        <WeekSection
          key={week}
          week={week}
          units={units}
          due={isDay(start) ? dueDate(start, week) : null}
          canEdit={plan.can_edit}
          selected={selected}
          onToggle={toggle}
          onEdit={setEditing}
          onRemove={removeUnit}
        />
      ))}
      {plan.can_edit && (
        <button type="button" class="button" onClick={() => setEditing("new")}>
          Add a unit
        </button>
      )}
      {editing !== null && (
        <UnitDialog
          planId={plan.id}
          unit={editing === "new" ? null : editing}
          defaultWeek={plan.units.at(-1)?.week ?? 1}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </>
  );
}

type SeedProps = {
  plan: Plan;
  selected: Set<number>;
  start: string;
  onStart: (day: string) => void;
  onSelectOpen: () => void;
  onClear: () => void;
  onSeeded: (result: SeedResult) => void;
};

function SeedPanel({ plan, selected, start, onStart, onSelectOpen, onClear, onSeeded }: SeedProps) {
  const { user } = useSession();
  // Only people who can work on the plan's project's tasks (members and owners): a viewer would be refused.
  const assignees = useAssignees(plan.project.id);
  const people = assignees.people;
  const [assignee, setAssignee] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const assignee_id = assignee ? Number(assignee) : null;
      onSeeded(await seedTasks(plan.id, { unit_ids: [...selected], start_date: start, assignee_id }));
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  const count = selected.size;
  return (
    <form class="card" aria-labelledby="seed-heading" onSubmit={submit}>
      <h2 id="seed-heading">Seed tasks</h2>
      <p class="muted">
        One task per selected unit in {plan.project.name}. Week 1 starts on the start date; each unit is due on the last
        day of its week. Units that already have a task are skipped.
      </p>
      <div class="grid-2">
        <div class="field">
          <label for="seed-start">Start date (first day of week 1)</label>
          <input id="seed-start" type="date" value={start} required onInput={(e) => onStart(e.currentTarget.value)} />
        </div>
        <SelectField
          id="seed-assignee"
          label="Assign the tasks to"
          value={assignee}
          options={[{ value: "", label: "Nobody yet" }, ...personOptions(people, user.id)]}
          hint={assignees.note || undefined}
          onChange={setAssignee}
        />
      </div>
      {problem !== null && <Problem error={problem} />}
      <div class="button-row">
        <button type="submit" class="button button--primary" disabled={busy || count === 0 || !isDay(start)}>
          {count === 0 ? "Select units to seed" : `Create ${count} task${count === 1 ? "" : "s"}`}
        </button>
        <button type="button" class="button" onClick={onSelectOpen}>
          Select all units without a task
        </button>
        {count > 0 && (
          <button type="button" class="button" onClick={onClear}>
            Clear the selection
          </button>
        )}
      </div>
    </form>
  );
}

function SeedReport({ result }: { result: SeedResult }) {
  const made = result.created.length;
  return (
    <div class={result.skipped.length ? "notice notice--warn" : "notice"} role="status">
      <p>
        Created {made} task{made === 1 ? "" : "s"}
        {result.skipped.length > 0 ? `; skipped ${result.skipped.length}:` : "."}
      </p>
      {result.skipped.length > 0 && (
        <ul>
          {result.skipped.map((skip) => (
            <li key={skip.unit_id}>
              Unit {skip.unit_id}: {skip.reason}
              {skip.task_id !== null && (
                <>
                  {" "}
                  (<a href={`/tasks/${skip.task_id}`}>open task #{skip.task_id}</a>)
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type WeekProps = {
  week: number;
  units: PlanUnit[];
  due: string | null;
  canEdit: boolean;
  selected: Set<number>;
  onToggle: (ids: number[], on: boolean) => void;
  onEdit: (unit: PlanUnit) => void;
  onRemove: (unit: PlanUnit) => void;
};

function WeekSection({ week, units, due, canEdit, selected, onToggle, onEdit, onRemove }: WeekProps) {
  const open = units.filter((unit) => unit.task_id === null).map((unit) => unit.id);
  const headingId = `week-${week}-heading`;
  return (
    <section class="card training-week" aria-labelledby={headingId}>
      <div class="training-week__head">
        <h2 id={headingId}>Week {week}</h2>
        {due && <span class="muted">new tasks due {formatDay(due)}</span>}
        {canEdit && open.length > 0 && (
          <button type="button" class="button button--small" onClick={() => onToggle(open, true)}>
            Select week {week}
          </button>
        )}
      </div>
      <ul class="item-list">
        {units.map((unit) => (
          <li key={unit.id} class="item-list__item">
            <div class="training-unit">
              {canEdit && unit.task_id === null ? (
                <label class="checkbox">
                  <input
                    type="checkbox"
                    checked={selected.has(unit.id)}
                    onChange={(event) => onToggle([unit.id], event.currentTarget.checked)}
                  />
                  <strong>{unit.title}</strong>
                </label>
              ) : (
                <strong>{unit.title}</strong>
              )}
              <span class="badge badge--muted item-list__badge">{PRIORITY_LABELS[unit.priority]}</span>
              {unit.description && <p class="item-list__meta muted">{unit.description}</p>}
            </div>
            <div class="button-row">
              {unit.task_id !== null && unit.task_status !== null ? (
                <a href={`/tasks/${unit.task_id}`} class="training-unit__task">
                  Task #{unit.task_id}{" "}
                  <span class={TASK_STATUS_BADGE[unit.task_status]}>{TASK_STATUS_LABELS[unit.task_status]}</span>
                  {unit.task_due_date && <span class="muted"> due {formatDay(unit.task_due_date)}</span>}
                </a>
              ) : (
                <span class="muted">No task yet</span>
              )}
              {canEdit && (
                <>
                  <button
                    type="button"
                    class="button button--small"
                    onClick={() => onEdit(unit)}
                    aria-label={`Edit ${unit.title}`}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    class="button button--small button--danger"
                    onClick={() => onRemove(unit)}
                    aria-label={`Remove ${unit.title}`}
                  >
                    Remove
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RenameButton({ plan, onRenamed }: { plan: Plan; onRenamed: () => void }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(plan.title);
  const [problem, setProblem] = useState<unknown>(null);
  const toast = useToast();

  async function save(event: Event) {
    event.preventDefault();
    try {
      await renamePlan(plan.id, title.trim());
      toast("Plan renamed.", "success");
      setEditing(false);
      onRenamed();
    } catch (error) {
      setProblem(error);
    }
  }

  if (!editing) {
    return (
      <button type="button" class="button" onClick={() => setEditing(true)}>
        Rename
      </button>
    );
  }
  return (
    <form class="inline-form" onSubmit={save} aria-label="Rename the plan">
      <FormField id="plan-rename" label="New title" value={title} onInput={setTitle} maxLength={120} required />
      <button type="submit" class="button button--primary" disabled={!title.trim()}>
        Save
      </button>
      <button type="button" class="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {problem !== null && <Problem error={problem} />}
    </form>
  );
}
