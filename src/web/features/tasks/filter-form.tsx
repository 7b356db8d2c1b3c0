// The task list's filters. Every change goes straight into the URL (the page reads its state from there).
import { useEffect, useState } from "preact/hooks";
import { FormField, SelectField } from "@/components/form-field";
import { labelOptionName, PRIORITIES, PRIORITY_LABELS, TASK_STATUS_LABELS, TASK_STATUSES } from "@/features/tasks/api";
import {
  type Archived,
  hasFilters,
  NO_FILTERS,
  SORT_LABELS,
  SORTS,
  type Sort,
  type TaskFilters,
} from "@/features/tasks/filters";
import { useLabels } from "@/features/tasks/label-picker";
import { personOptions, usePeopleFor } from "@/features/tasks/options-people";
import { useProjects } from "@/lib/pickers";
import { useSession } from "@/lib/session";

const SEARCH_DELAY_MS = 300;
const SORT_OPTIONS = SORTS.map((value) => ({ value, label: SORT_LABELS[value] }));
const ARCHIVED_OPTIONS = [
  { value: "false", label: "Current tasks" },
  { value: "true", label: "Archived tasks" },
  { value: "all", label: "Current and archived" },
];

type Props = { filters: TaskFilters; board: boolean; onChange: (filters: TaskFilters) => void };

export function FilterForm({ filters, board, onChange }: Props) {
  const { user } = useSession();
  const [search, setSearch] = useState(filters.q);
  const projects = useProjects();
  const people = usePeopleFor(filters.project);
  const labelScope = /^\d+$/.test(filters.project)
    ? Number(filters.project)
    : filters.project === "none"
      ? "none"
      : undefined;
  const labels = useLabels(labelScope);
  const set = (patch: Partial<TaskFilters>) => onChange({ ...filters, ...patch });

  // Follow the URL when it changes from outside (a preset, back/forward), and search once typing pauses.
  useEffect(() => setSearch(filters.q), [filters.q]);
  useEffect(() => {
    if (search.trim() === filters.q) return;
    const timer = setTimeout(() => set({ q: search.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const more = [
    filters.status.length > 0,
    filters.priority.length > 0,
    filters.due_before,
    filters.due_after,
    filters.overdue,
    filters.archived !== "false",
  ].filter(Boolean).length;

  return (
    <form class="task-filters" aria-label="Filter tasks" onSubmit={(event) => event.preventDefault()}>
      <div class="filters">
        <FormField id="task-search" label="Search" type="search" value={search} onInput={setSearch} noOptionalMark />
        <SelectField
          id="task-project"
          label="Project"
          value={filters.project}
          options={[
            { value: "", label: "All projects" },
            { value: "none", label: "Personal tasks" },
            ...projects.map((project) => ({ value: String(project.id), label: project.name })),
            ...(filters.project && filters.project !== "none" && !projects.some((p) => String(p.id) === filters.project)
              ? [{ value: filters.project, label: `Project #${filters.project}` }]
              : []),
          ]}
          onChange={(project) => set({ project, assignee: "" })}
        />
        <SelectField
          id="task-assignee"
          label="Assignee"
          value={filters.assignee}
          options={[
            { value: "", label: "Anyone" },
            { value: "none", label: "Unassigned" },
            ...personOptions(people, user.id),
            ...(filters.assignee &&
            filters.assignee !== "none" &&
            !people.some((p) => String(p.id) === filters.assignee)
              ? [{ value: filters.assignee, label: `User #${filters.assignee}` }]
              : []),
          ]}
          onChange={(assignee) => set({ assignee })}
        />
        <SelectField
          id="task-label"
          label="Label"
          value={filters.label.length > 1 ? "several" : (filters.label[0] ?? "")}
          options={[
            { value: "", label: "Any label" },
            ...labels.map((label) => ({ value: String(label.id), label: labelOptionName(label) })),
            ...(filters.label.length === 1 && !labels.some((l) => String(l.id) === filters.label[0])
              ? [{ value: filters.label[0] ?? "", label: `Label #${filters.label[0]}` }]
              : []),
            ...(filters.label.length > 1
              ? [{ value: "several", label: `${filters.label.length} labels (all of them)` }]
              : []),
          ]}
          onChange={(label) => label !== "several" && set({ label: label ? [label] : [] })}
        />
        {!board && (
          <SelectField
            id="task-sort"
            label="Sort"
            value={filters.sort}
            options={SORT_OPTIONS}
            onChange={(sort) => set({ sort: sort as Sort })}
          />
        )}
      </div>
      <div class="task-filters__row">
        <label class="checkbox">
          <input
            type="checkbox"
            checked={filters.mine}
            onChange={(event) => set({ mine: event.currentTarget.checked })}
          />
          Only my tasks
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={filters.overdue}
            onChange={(event) => set({ overdue: event.currentTarget.checked })}
          />
          Overdue
        </label>
        {hasFilters(filters) && (
          <button type="button" class="link-button" onClick={() => onChange({ ...NO_FILTERS, sort: filters.sort })}>
            Clear filters
          </button>
        )}
      </div>
      <details class="task-filters__more" open={more > 0}>
        <summary>More filters{more > 0 ? ` (${more} set)` : ""}</summary>
        <div class="task-filters__grid">
          {!board && (
            <fieldset class="check-group">
              <legend>Status</legend>
              {TASK_STATUSES.map((status) => (
                <label key={status} class="checkbox">
                  <input
                    type="checkbox"
                    checked={filters.status.includes(status)}
                    onChange={(event) =>
                      set({
                        status: event.currentTarget.checked
                          ? TASK_STATUSES.filter((s) => s === status || filters.status.includes(s))
                          : filters.status.filter((s) => s !== status),
                      })
                    }
                  />
                  {TASK_STATUS_LABELS[status]}
                </label>
              ))}
            </fieldset>
          )}
          <fieldset class="check-group">
            <legend>Priority</legend>
            {PRIORITIES.map((priority) => (
              <label key={priority} class="checkbox">
                <input
                  type="checkbox"
                  checked={filters.priority.includes(priority)}
                  onChange={(event) =>
                    set({
                      priority: event.currentTarget.checked
                        ? PRIORITIES.filter((p) => p === priority || filters.priority.includes(p))
                        : filters.priority.filter((p) => p !== priority),
                    })
                  }
                />
                {PRIORITY_LABELS[priority]}
              </label>
            ))}
          </fieldset>
          <div class="field">
            <label for="task-due-after">
              Due on or after<span class="field__optional"> (optional)</span>
            </label>
            <input
              id="task-due-after"
              type="date"
              value={filters.due_after}
              onChange={(event) => set({ due_after: event.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="task-due-before">
              Due on or before<span class="field__optional"> (optional)</span>
            </label>
            <input
              id="task-due-before"
              type="date"
              value={filters.due_before}
              onChange={(event) => set({ due_before: event.currentTarget.value })}
            />
          </div>
          <SelectField
            id="task-archived"
            label="Archived"
            value={filters.archived}
            options={ARCHIVED_OPTIONS}
            onChange={(archived) => set({ archived: archived as Archived })}
          />
        </div>
      </details>
    </form>
  );
}
