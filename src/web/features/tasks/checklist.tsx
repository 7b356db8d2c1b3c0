// A task's checklist in the drawer: add with Enter, tick with a checkbox, edit, delete, and move items up or down
// with buttons (no drag-only interaction). Progress ("2/5") on cards and list rows says the same in words to
// screen readers.
import { useEffect, useRef, useState } from "preact/hooks";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import {
  addChecklistItem,
  type ChecklistItem,
  deleteChecklistItem,
  getChecklist,
  type Task,
  updateChecklistItem,
} from "@/features/tasks/api";
import { errorMessage } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

/** "2/5" on a card or row, read as "2 of 5 checklist items done"; nothing when the task has no checklist. */
export function ChecklistProgress({ task }: { task: Pick<Task, "checklist_done" | "checklist_total"> }) {
  if (task.checklist_total === 0) return null;
  const complete = task.checklist_done === task.checklist_total;
  return (
    <span class={complete ? "checklist-progress is-complete" : "checklist-progress"}>
      <span aria-hidden="true">
        ☑ {task.checklist_done}/{task.checklist_total}
      </span>
      <span class="visually-hidden">
        {task.checklist_done} of {task.checklist_total} checklist items done
      </span>
    </span>
  );
}

const MAX_TEXT = 500;

type Props = { task: Task; onChanged: () => void };

/** Whether the focus is still on `origin`, or was lost with the element that held it (re-rendered, removed). */
function focusStayed(origin: Element | null): boolean {
  const now = document.activeElement;
  return now === origin || now === null || now === document.body || !origin?.isConnected;
}

export function ChecklistSection({ task, onChanged }: Props) {
  const checklist = useLoad(() => getChecklist(task.id), [task.id]);
  const [items, setItems] = useState<ChecklistItem[]>([]);
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  // The items as the last answer had them: a queued move starts from where the item is by then.
  const latest = useRef<ChecklistItem[]>([]);
  const listRef = useRef<HTMLOListElement>(null);
  const addRef = useRef<HTMLInputElement>(null);
  // Where the focus goes once the list shows a change (a moved item's button, the next item after a delete).
  const focusNext = useRef<(() => void) | null>(null);
  const toast = useToast();

  useEffect(() => {
    if (checklist.state !== "ready") return;
    latest.current = checklist.data.items;
    setItems(checklist.data.items);
  }, [checklist.state, checklist.data]);
  useEffect(() => {
    const focus = focusNext.current;
    focusNext.current = null;
    focus?.();
  }, [items]);

  /** Run a change after the ones before it (a fast keyboard user's presses all count, in order), then show the
   * list as the server has it and tell the drawer (the task's counts changed). Buttons are not disabled meanwhile:
   * a disabled button loses the keyboard focus. */
  function change(action: () => Promise<unknown>, focus?: () => void): Promise<boolean> {
    const origin = document.activeElement;
    const run = async () => {
      try {
        await action();
        const fresh = await getChecklist(task.id);
        latest.current = fresh.items;
        // Only where the user left it: a tick that answers after they moved on to another button must not pull
        // the focus back (their next key would land on the checkbox; seen in CI as a lost move).
        focusNext.current = focus && focusStayed(origin) ? focus : null;
        setItems(fresh.items);
        onChanged();
        return true;
      } catch (failure) {
        toast(errorMessage(failure), "error");
        return false;
      }
    };
    const done = queue.current.then(run);
    queue.current = done;
    return done;
  }

  /** Focus the first of `selectors` that is enabled in the item's row. */
  const focusIn =
    (itemId: number, ...selectors: string[]) =>
    () => {
      const row = listRef.current?.querySelector<HTMLElement>(`[data-item-id="${itemId}"]`);
      for (const selector of selectors) {
        const target = row?.querySelector<HTMLElement>(`${selector}:not(:disabled)`);
        if (target) {
          target.focus();
          return;
        }
      }
    };

  async function add(event: SubmitEvent) {
    event.preventDefault();
    const value = text.trim();
    if (!value) {
      setError("Write the item first.");
      return;
    }
    setError("");
    if (
      await change(
        () => addChecklistItem(task.id, value),
        () => addRef.current?.focus(),
      )
    )
      setText("");
  }

  const move = (item: ChecklistItem, by: -1 | 1) => {
    const [same, other] = by < 0 ? [".checklist__up", ".checklist__down"] : [".checklist__down", ".checklist__up"];
    const moveNow = async () => {
      const at = latest.current.findIndex((each) => each.id === item.id);
      const to = at + by;
      if (at < 0 || to < 0 || to >= latest.current.length) return; // already at the end: nothing to do
      await updateChecklistItem(task.id, item.id, { position: to });
    };
    void change(moveNow, focusIn(item.id, same, other));
  };

  const remove = (item: ChecklistItem) => {
    const next = items[item.position + 1] ?? items[item.position - 1];
    void change(
      () => deleteChecklistItem(task.id, item.id),
      next ? focusIn(next.id, ".checklist__delete", "input") : () => addRef.current?.focus(),
    );
  };

  const done = items.filter((item) => item.done).length;
  return (
    <section class="task-detail__section" aria-labelledby="task-checklist-heading">
      <div class="task-detail__head">
        <h3 id="task-checklist-heading">
          Checklist
          {items.length > 0 && (
            <span class="muted checklist__count">
              {" "}
              ({done} of {items.length} done)
            </span>
          )}
        </h3>
      </div>
      <LoadState loaded={checklist} what="the checklist" />
      {checklist.state === "ready" && items.length === 0 && <p class="muted">No checklist items.</p>}
      <ol class="checklist" ref={listRef} aria-labelledby="task-checklist-heading">
        {items.map((item, index) => (
          <ChecklistRow
            key={item.id}
            item={item}
            first={index === 0}
            last={index === items.length - 1}
            canEdit={task.can_edit}
            onTick={(on) =>
              void change(() => updateChecklistItem(task.id, item.id, { done: on }), focusIn(item.id, "input"))
            }
            onText={(value) =>
              change(() => updateChecklistItem(task.id, item.id, { text: value }), focusIn(item.id, ".checklist__edit"))
            }
            onMove={(by) => move(item, by)}
            onDelete={() => remove(item)}
          />
        ))}
      </ol>
      {task.can_edit && (
        <form class="checklist__add" onSubmit={add} noValidate>
          <label for="checklist-new" class="visually-hidden">
            New checklist item
          </label>
          <input
            id="checklist-new"
            ref={addRef}
            type="text"
            value={text}
            maxLength={MAX_TEXT}
            placeholder="Add an item and press Enter"
            autocomplete="off"
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "checklist-new-error" : undefined}
            onInput={(event) => setText(event.currentTarget.value)}
          />
          <button type="submit" class="button button--small">
            Add item
          </button>
          {error && (
            <p id="checklist-new-error" class="field__error">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

type RowProps = {
  item: ChecklistItem;
  first: boolean;
  last: boolean;
  canEdit: boolean;
  onTick: (on: boolean) => void;
  onText: (text: string) => Promise<boolean>;
  onMove: (by: -1 | 1) => void;
  onDelete: () => void;
};

function ChecklistRow({ item, first, last, canEdit, onTick, onText, onMove, onDelete }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(item.text);
  const editRef = useRef<HTMLInputElement>(null);
  const checkboxId = `checklist-item-${item.id}`;
  // The user just asked to edit this item: the field takes the focus (autofocus only works on page load).
  useEffect(() => {
    if (editing) editRef.current?.focus();
  }, [editing]);

  async function save() {
    const value = text.trim();
    if (!value || value === item.text) {
      setEditing(false);
      setText(item.text);
      return;
    }
    if (await onText(value)) setEditing(false);
  }

  if (editing) {
    return (
      <li class="checklist__item" data-item-id={item.id}>
        <label for={`${checkboxId}-text`} class="visually-hidden">
          Edit checklist item
        </label>
        <input
          id={`${checkboxId}-text`}
          type="text"
          value={text}
          maxLength={MAX_TEXT}
          ref={editRef}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              void save();
            } else if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation(); // closes the edit, not the drawer
              setText(item.text);
              setEditing(false);
            }
          }}
        />
        <button type="button" class="button button--small" onClick={() => void save()}>
          Save
        </button>
      </li>
    );
  }
  return (
    <li class={item.done ? "checklist__item is-done" : "checklist__item"} data-item-id={item.id}>
      <input
        id={checkboxId}
        type="checkbox"
        checked={item.done}
        disabled={!canEdit}
        onChange={(event) => onTick(event.currentTarget.checked)}
      />
      <label for={checkboxId} class="checklist__text">
        {item.text}
      </label>
      {canEdit && (
        <span class="checklist__actions">
          <button type="button" class="icon-button checklist__up" disabled={first} onClick={() => onMove(-1)}>
            <span aria-hidden="true">↑</span>
            <span class="visually-hidden">Move “{item.text}” up</span>
          </button>
          <button type="button" class="icon-button checklist__down" disabled={last} onClick={() => onMove(1)}>
            <span aria-hidden="true">↓</span>
            <span class="visually-hidden">Move “{item.text}” down</span>
          </button>
          <button
            type="button"
            class="link-button checklist__edit"
            onClick={() => {
              setText(item.text);
              setEditing(true);
            }}
          >
            Edit<span class="visually-hidden"> “{item.text}”</span>
          </button>
          <button type="button" class="link-button checklist__delete" onClick={onDelete}>
            Delete<span class="visually-hidden"> “{item.text}”</span>
          </button>
        </span>
      )}
    </li>
  );
}
