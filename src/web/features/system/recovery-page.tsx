// Recovery mode: the database cannot be opened, so nobody can sign in. The recovery code (service log or
// `devcell recovery-code`) unlocks the list of backups; restoring one brings DevCell back, then the page reloads.
import { useEffect, useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { FormField } from "@/components/form-field";
import { type Backup, formatSize, originLabel } from "@/features/system/api";
import {
  getRecovery,
  listRecoveryBackups,
  type RecoveryStatus,
  restoreInRecovery,
  uploadInRecovery,
} from "@/features/system/recovery-api";
import { ApiError, errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import "@/features/system/system.css";

type Props = { onRestored: () => void };

export function RecoveryPage({ onRestored }: Props) {
  const [status, setStatus] = useState<RecoveryStatus | null>(null);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState("");
  const [backups, setBackups] = useState<Backup[] | null>(null);
  const [damagedDir, setDamagedDir] = useState("");
  const [progress, setProgress] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const confirm = useConfirm();

  useEffect(() => {
    getRecovery().then(setStatus, (failure) => setError(errorMessage(failure)));
  }, []);

  async function unlock(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setCodeError("");
    setError("");
    try {
      const listed = await listRecoveryBackups(code.trim());
      setBackups(listed.backups.items);
      setDamagedDir(listed.damaged_dir);
    } catch (failure) {
      const wrongCode = failure instanceof ApiError && failure.code === "recovery_code_invalid";
      (wrongCode ? setCodeError : setError)(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function restore(name: string, created: string) {
    const ok = await confirm({
      title: "Restore this backup?",
      message: `Everything is replaced with the backup made ${formatDateTime(created)}. Work saved after it is not in it. The damaged files are kept.`,
      confirmLabel: "Restore",
      danger: true,
    });
    if (ok) await run(() => restoreInRecovery(code.trim(), name));
  }

  async function uploadAndRestore(file: File) {
    await run(async () => {
      const uploaded = await uploadInRecovery(code.trim(), file, (sent, total) => {
        const percent = Math.floor((sent / Math.max(total, 1)) * 100);
        setProgress(percent < 100 ? `Uploading: ${percent}%` : "Checking the archive…");
      });
      return restoreInRecovery(code.trim(), uploaded.uploaded ?? "");
    });
  }

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError("");
    setProgress("Restoring the backup. This can take a few minutes; keep this page open.");
    try {
      await work();
      setProgress("Restored. The page reloads; sign in with an account from the backup.");
      onRestored();
    } catch (failure) {
      setError(errorMessage(failure));
      setProgress("");
      setBusy(false);
    }
  }

  return (
    <main class="auth" id="main">
      <div class="auth__card recovery">
        <h1>DevCell needs a backup restored</h1>
        <p>
          DevCell cannot open its database{status?.problem ? `: ${status.problem}` : "."} Nothing has been deleted:
          restoring a backup keeps a copy of the damaged files for a specialist.
        </p>
        {damagedDir && (
          <p class="muted">
            The damaged files go to <code>{damagedDir}</code>.
          </p>
        )}
        {backups === null ? (
          <form onSubmit={unlock}>
            <FormField
              id="recovery-code"
              label="Recovery code"
              hint={
                <>
                  In the service log (<code>journalctl -u devcell</code>) or printed by{" "}
                  <code>sudo -u devcell devcell recovery-code</code>.
                </>
              }
              autocomplete="one-time-code"
              value={code}
              error={codeError}
              onInput={setCode}
              required
            />
            <button type="submit" class="button button--primary" disabled={busy}>
              {busy ? "Checking…" : "Show backups"}
            </button>
          </form>
        ) : (
          <BackupChoice backups={backups} busy={busy} onRestore={restore} onUpload={uploadAndRestore} />
        )}
        {progress && <p role="status">{progress}</p>}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </main>
  );
}

type ChoiceProps = {
  backups: Backup[];
  busy: boolean;
  onRestore: (name: string, created: string) => void;
  onUpload: (file: File) => void;
};

function BackupChoice({ backups, busy, onRestore, onUpload }: ChoiceProps) {
  const [file, setFile] = useState<File | null>(null);
  return (
    <>
      {backups.length === 0 ? (
        <p>There is no backup in the backup directory. Upload an archive instead.</p>
      ) : (
        <ul class="recovery__backups" aria-label="Backups, newest first">
          {backups.map((backup) => (
            <li key={backup.name}>
              <span>
                <strong>{formatDateTime(backup.created_at)}</strong> · {formatSize(backup.size)} ·{" "}
                {originLabel(backup.origin)}
                {backup.verify && !backup.verify.ok ? " · failed its check" : ""}
              </span>
              <button
                type="button"
                class="button"
                disabled={busy}
                aria-label={`Restore ${backup.name}`}
                onClick={() => onRestore(backup.name, backup.created_at)}
              >
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="field">
        <label for="recovery-file">Or upload a backup archive (.tar.gz)</label>
        <input
          id="recovery-file"
          type="file"
          accept=".tar.gz,application/gzip"
          onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
        />
      </div>
      <button type="button" class="button" disabled={busy || file === null} onClick={() => file && onUpload(file)}>
        Upload and restore
      </button>
    </>
  );
}
