// Managing labels of one scope: the global labels (administrators, on the Tasks page) or a project's own (its
// owners, on the project page). Everyone else sees the list without the controls.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { FormField, SelectField } from "@/components/form-field";
import { LabelChip } from "@/components/label-chip";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import { errorMessage } from "@/lib/api";
import {
  createLabel,
  deleteLabel,
  LABEL_COLOUR_NAMES,
  LABEL_COLOURS,
  type Label,
  type LabelColour,
  listLabels,
  updateLabel,
} from "@/lib/tasks";
import { useFormSubmit } from "@/lib/use-form-submit";
import { useLoad } from "@/lib/use-load";

const COLOUR_OPTIONS = LABEL_COLOURS.map((value) => ({ value, label: LABEL_COLOUR_NAMES[value] }));
const FIELDS = ["name", "colour"] as const;

type Props = {
  /** null: the global labels. */
  projectId: number | null;
  canManage: boolean;
};

export function LabelManager({ projectId, canManage }: Props) {
  const labels = useLoad(
    async () => (await listLabels(projectId ?? "none")).filter((label) => label.project_id === projectId),
    [projectId],
  );
  const scope = projectId === null ? "global" : `project-${projectId}`;
  return (
    <div class="label-manager">
      <LoadState loaded={labels} what="the labels" />
      {labels.data?.length === 0 && <p class="muted">No labels yet.</p>}
      <ul class="label-manager__list" aria-label={projectId === null ? "Global labels" : "Labels of this project"}>
        {labels.data?.map((label) => (
          <LabelRow key={label.id} label={label} canManage={canManage} onChanged={labels.reload} />
        ))}
      </ul>
      {canManage && <NewLabelForm scope={scope} projectId={projectId} onCreated={labels.reload} />}
    </div>
  );
}

function LabelRow({ label, canManage, onChanged }: { label: Label; canManage: boolean; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const confirm = useConfirm();
  const toast = useToast();

  async function remove() {
    const ok = await confirm({
      title: `Delete the label “${label.name}”?`,
      message: "It is removed from every task that has it. The tasks stay.",
      confirmLabel: "Delete label",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteLabel(label.id);
      toast(`Label “${label.name}” deleted.`, "success");
      onChanged();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  if (editing) {
    return (
      <li>
        <EditLabelForm
          label={label}
          onDone={(changed) => {
            setEditing(false);
            if (changed) onChanged();
          }}
        />
      </li>
    );
  }
  return (
    <li class="label-manager__row">
      <LabelChip label={label} />
      <span class="muted">{LABEL_COLOUR_NAMES[label.colour]}</span>
      {canManage && (
        <>
          <button type="button" class="button button--small" onClick={() => setEditing(true)}>
            Edit<span class="visually-hidden"> label {label.name}</span>
          </button>
          <button type="button" class="button button--small button--danger" onClick={() => void remove()}>
            Delete<span class="visually-hidden"> label {label.name}</span>
          </button>
        </>
      )}
    </li>
  );
}

type LabelValues = { name: string; colour: LabelColour };

/** The name and colour of a label, new or edited: the same fields, checks and errors either way. */
function LabelForm({
  idPrefix,
  formLabel,
  initial,
  save,
  buttons,
}: {
  idPrefix: string;
  formLabel: string;
  initial: LabelValues;
  /** Stores the values (its error is shown on the form); the form then starts again from `initial`. */
  save: (values: LabelValues) => Promise<void>;
  /** The form's buttons; a submit button is disabled while `busy`. */
  buttons: (busy: boolean) => ComponentChildren;
}) {
  const [name, setName] = useState(initial.name);
  const [colour, setColour] = useState<LabelColour>(initial.colour);
  const { busy, errors, setErrors, formError, run } = useFormSubmit(FIELDS);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setErrors({ name: "Give the label a name." });
      return;
    }
    await run(async () => {
      await save({ name: name.trim(), colour });
      setName(initial.name);
    });
  }

  return (
    <form class="label-manager__form" onSubmit={submit} noValidate aria-label={formLabel}>
      <FormField
        id={`${idPrefix}-name`}
        label="Label name"
        value={name}
        onInput={setName}
        error={errors.name}
        maxLength={40}
        autocomplete="off"
        required
      />
      <SelectField
        id={`${idPrefix}-colour`}
        label="Colour"
        value={colour}
        error={errors.colour}
        options={COLOUR_OPTIONS}
        onChange={(value) => setColour(value as LabelColour)}
      />
      {buttons(busy)}
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
    </form>
  );
}

function NewLabelForm({
  scope,
  projectId,
  onCreated,
}: {
  scope: string;
  projectId: number | null;
  onCreated: () => void;
}) {
  const toast = useToast();
  const save = async (values: LabelValues) => {
    const label = await createLabel(values, projectId);
    toast(`Label “${label.name}” added.`, "success");
    onCreated();
  };
  return (
    <LabelForm
      idPrefix={`new-label-${scope}`}
      formLabel="New label"
      initial={{ name: "", colour: "blue" }}
      save={save}
      buttons={(busy) => (
        <button type="submit" class="button" disabled={busy}>
          Add label
        </button>
      )}
    />
  );
}

function EditLabelForm({ label, onDone }: { label: Label; onDone: (changed: boolean) => void }) {
  const toast = useToast();
  const save = async (values: LabelValues) => {
    await updateLabel(label.id, values);
    toast("Label saved.", "success");
    onDone(true);
  };
  return (
    <LabelForm
      idPrefix={`label-${label.id}`}
      formLabel={`Edit label ${label.name}`}
      initial={label}
      save={save}
      buttons={(busy) => (
        <>
          <button type="submit" class="button button--primary" disabled={busy}>
            Save
          </button>
          <button type="button" class="button" onClick={() => onDone(false)}>
            Cancel
          </button>
        </>
      )}
    />
  );
}
