// Restore confirmation: the backup's name typed back, because a restore replaces every user, task and document.
import { useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";
import { FormField } from "@/components/form-field";
import { Time } from "@/components/time";
import type { Backup } from "@/features/system/api";

type Props = { backup: Backup; onConfirm: (typed: string) => void; onClose: () => void };

export function RestoreDialog({ backup, onConfirm, onClose }: Props) {
  const [typed, setTyped] = useState("");
  const matches = typed.trim() === backup.name;
  return (
    <Dialog title="Restore this backup?" role="alertdialog" onClose={onClose} wide>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (matches) onConfirm(typed.trim());
        }}
      >
        <div class="dialog__message">
          <p>
            Every user, project, task, standup and knowledgebase file is replaced by what <strong>{backup.name}</strong>{" "}
            holds (<Time value={backup.created_at} />
            ). A safety backup of today's data is written first. DevCell pauses for the moment of the swap; you may have
            to sign in again.
          </p>
        </div>
        <FormField
          id="restore-confirm"
          label="Type the backup's name to confirm"
          value={typed}
          onInput={setTyped}
          hint={<code>{backup.name}</code>}
          required
        />
        <div class="dialog__actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button--danger" disabled={!matches}>
            Restore
          </button>
        </div>
      </form>
    </Dialog>
  );
}
