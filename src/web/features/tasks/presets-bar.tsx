// Saved filter presets: apply one, save the current filters under a name, delete one.
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { Dialog } from "@/components/dialog";
import { FormField } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { createPreset, deletePreset, listPresets, type Preset } from "@/features/tasks/api";
import { filterParams, hasFilters, parseFilters, type TaskFilters } from "@/features/tasks/filters";
import { ApiError, errorMessage, formErrors } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

type Props = { filters: TaskFilters; onApply: (filters: TaskFilters) => void };

export function PresetsBar({ filters, onApply }: Props) {
  const presets = useLoad(listPresets, []);
  const [saving, setSaving] = useState(false);
  const toast = useToast();
  const confirm = useConfirm();
  const current = JSON.stringify(filterParams(filters));

  async function remove(preset: Preset) {
    const ok = await confirm({
      title: `Delete preset “${preset.name}”?`,
      message: "Only the saved filters are deleted; no task changes.",
      confirmLabel: "Delete preset",
      danger: true,
    });
    if (!ok) return;
    try {
      await deletePreset(preset.id);
      toast("Preset deleted.", "success");
      presets.reload();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  return (
    <section class="presets" aria-label="Saved filters">
      <span class="presets__label">Saved filters:</span>
      {presets.state === "failed" && <span class="muted">could not load them</span>}
      {presets.data?.length === 0 && <span class="muted">none yet</span>}
      <ul class="presets__list">
        {presets.data?.map((preset) => {
          const active = JSON.stringify(filterParams(parseFilters(preset.filters))) === current;
          return (
            <li key={preset.id} class="preset">
              <button
                type="button"
                class="preset__apply"
                aria-pressed={active}
                onClick={() => onApply(parseFilters(preset.filters))}
              >
                {preset.name}
              </button>
              <button
                type="button"
                class="preset__delete"
                aria-label={`Delete preset ${preset.name}`}
                onClick={() => void remove(preset)}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        class="button button--small"
        disabled={!hasFilters(filters)}
        onClick={() => setSaving(true)}
      >
        Save current filters
      </button>
      {saving && (
        <SavePresetDialog
          filters={filters}
          onClose={() => setSaving(false)}
          onSaved={() => {
            setSaving(false);
            presets.reload();
          }}
        />
      )}
    </section>
  );
}

function SavePresetDialog({
  filters,
  onClose,
  onSaved,
}: {
  filters: TaskFilters;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setError("Give the preset a name.");
      return;
    }
    setBusy(true);
    try {
      const preset = await createPreset(name.trim(), filterParams(filters));
      toast(`Preset “${preset.name}” saved.`, "success");
      onSaved();
    } catch (failure) {
      const found = formErrors(failure, ["name"] as const);
      setError(
        failure instanceof ApiError && failure.code === "preset_name_taken"
          ? failure.message
          : (found.fields.name ?? found.form),
      );
      setBusy(false);
    }
  }

  return (
    <Dialog title="Save filters" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormField
          id="preset-name"
          label="Name"
          value={name}
          onInput={setName}
          error={error}
          maxLength={60}
          autocomplete="off"
          required
        />
        <div class="dialog__actions">
          <button type="submit" class="button button--primary" disabled={busy}>
            Save preset
          </button>
        </div>
      </form>
    </Dialog>
  );
}
