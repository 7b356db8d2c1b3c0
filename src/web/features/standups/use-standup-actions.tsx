// Edit, convert and delete for standup cards, shared by the team feed and the history.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { Dialog } from "@/components/dialog";
import { useToast } from "@/components/toast";
import { deleteStandup, type Standup } from "@/features/standups/api";
import { ConvertDialog } from "@/features/standups/convert-dialog";
import { StandupForm } from "@/features/standups/standup-form";
import { errorMessage } from "@/lib/api";
import { formatDay } from "@/lib/dates";

export type StandupActions = {
  onEdit: (standup: Standup) => void;
  onConvert: (standup: Standup) => void;
  onDelete: (standup: Standup) => void;
  dialogs: JSX.Element | null;
};

export function useStandupActions(onChanged: () => void): StandupActions {
  const [editing, setEditing] = useState<Standup | null>(null);
  const [converting, setConverting] = useState<Standup | null>(null);
  const confirm = useConfirm();
  const toast = useToast();

  async function onDelete(standup: Standup) {
    const ok = await confirm({
      title: "Delete this standup?",
      message: `Your standup of ${formatDay(standup.day)} is deleted. Tasks made from it stay.`,
      confirmLabel: "Delete standup",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteStandup(standup.id);
      toast("Standup deleted.", "success");
      onChanged();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  const dialogs = (
    <>
      {editing && (
        <Dialog title={`Edit standup of ${formatDay(editing.day)}`} onClose={() => setEditing(null)} wide>
          <StandupForm
            standup={editing}
            today={editing.day}
            nextWorkingDay={editing.day}
            onSaved={() => {
              setEditing(null);
              onChanged();
            }}
          />
        </Dialog>
      )}
      {converting && (
        <ConvertDialog
          standup={converting}
          onClose={() => setConverting(null)}
          onConverted={() => {
            setConverting(null);
            onChanged();
          }}
        />
      )}
    </>
  );
  return { onEdit: setEditing, onConvert: setConverting, onDelete: (s) => void onDelete(s), dialogs };
}
