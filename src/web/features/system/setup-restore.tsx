// First-run page, second way in: restore a backup onto this fresh install (setup code + the archive).
import { useState } from "preact/hooks";
import { FormField } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { restoreAtSetup } from "@/features/system/api";
import { errorMessage } from "@/lib/api";

type Props = { applianceName: string; onRestored: () => void };

export function SetupRestore({ applianceName, onRestored }: Props) {
  const [code, setCode] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!file) {
      setError("Choose the backup archive (.tar.gz) first.");
      return;
    }
    setBusy(true);
    setError("");
    try {
      const restored = await restoreAtSetup(code.trim(), file, (sent, total) => {
        const percent = Math.floor((sent / Math.max(total, 1)) * 100);
        setStatus(percent < 100 ? `Uploading: ${percent}%` : "Checking and restoring the backup…");
      });
      toast(`Restored the backup made ${restored.created_at ?? ""}. Sign in with an account from it.`, "success");
      onRestored();
    } catch (failure) {
      setError(errorMessage(failure));
      setStatus("");
      setBusy(false);
    }
  }

  return (
    <details class="auth__card">
      <summary>Restore from a backup</summary>
      <form onSubmit={submit}>
        <p class="muted">
          Moving {applianceName} to this machine, or starting over after a failure? Restore a backup archive instead of
          creating a new administrator. Afterwards, sign in with an account from the backup.
        </p>
        <FormField
          id="restore-setup-code"
          label="Code"
          hint={
            <>
              The setup code, as above: from the service log or <code>devcell setup-code</code>.
            </>
          }
          value={code}
          onInput={setCode}
          required
        />
        <div class="field">
          <label for="restore-file">Backup archive (.tar.gz)</label>
          <input
            id="restore-file"
            type="file"
            accept=".tar.gz,application/gzip"
            onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
          />
        </div>
        {status && <p role="status">{status}</p>}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button" disabled={busy}>
          {busy ? "Restoring…" : "Restore backup"}
        </button>
      </form>
    </details>
  );
}
