// Managing labels of one scope: the global labels (administrators, on the Tasks page) or a project's own (its
// owners, on the project page). Everyone else sees the list without the controls.
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

function LabelFields({
  idPrefix,
  name,
  colour,
  errors,
  onName,
  onColour,
}: {
  idPrefix: string;
  name: string;
  colour: LabelColour;
  errors: Partial<Record<(typeof FIELDS)[number], string>>;
  onName: (value: string) => void;
  onColour: (value: LabelColour) => void;
}) {
  return (
    <>
      <FormField
        id={`${idPrefix}-name`}
        label="Label name"
        value={name}
        onInput={onName}
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
        onChange={(value) => onColour(value as LabelColour)}
      />
    </>
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
  const [name, setName] = useState("");
  const [colour, setColour] = useState<LabelColour>("blue");
  const { busy, errors, setErrors, formError, run } = useFormSubmit(FIELDS);
  const toast = useToast();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setErrors({ name: "Give the label a name." });
      return;
    }
    await run(async () => {
      const label = await createLabel({ name: name.trim(), colour }, projectId);
      toast(`Label “${label.name}” added.`, "success");
      setName("");
      onCreated();
    });
  }

  return (
    <form class="label-manager__form" onSubmit={submit} noValidate aria-label="New label">
      <LabelFields
        idPrefix={`new-label-${scope}`}
        name={name}
        colour={colour}
        errors={errors}
        onName={setName}
        onColour={setColour}
      />
      <button type="submit" class="button" disabled={busy}>
        Add label
      </button>
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
    </form>
  );
}

function EditLabelForm({ label, onDone }: { label: Label; onDone: (changed: boolean) => void }) {
  const [name, setName] = useState(label.name);
  const [colour, setColour] = useState<LabelColour>(label.colour);
  const { busy, errors, setErrors, formError, run } = useFormSubmit(FIELDS);
  const toast = useToast();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setErrors({ name: "Give the label a name." });
      return;
    }
    await run(async () => {
      await updateLabel(label.id, { name: name.trim(), colour });
      toast("Label saved.", "success");
      onDone(true);
    });
  }

  return (
    <form class="label-manager__form" onSubmit={submit} noValidate aria-label={`Edit label ${label.name}`}>
      <LabelFields
        idPrefix={`label-${label.id}`}
        name={name}
        colour={colour}
        errors={errors}
        onName={setName}
        onColour={setColour}
      />
      <button type="submit" class="button button--primary" disabled={busy}>
        Save
      </button>
      <button type="button" class="button" onClick={() => onDone(false)}>
        Cancel
      </button>
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
    </form>
  );
}
