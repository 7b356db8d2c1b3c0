// System page: backups — create (with live progress), upload, verify, download, restore (typed confirmation), pin,
// delete. Each row says who made the backup, since retention only deletes the schedule's own. Below the table, the
// damaged database files a restore kept, when there are any.
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { JobProgress, type JobState } from "@/components/job-progress";
import { LoadState } from "@/components/load-state";
import { Time, useFormatTime } from "@/components/time";
import { useToast } from "@/components/toast";
import {
  type Backup,
  createBackup,
  deleteBackup,
  downloadPath,
  formatSize,
  listBackups,
  originLabel,
  restoreBackup,
  setPinned,
  uploadBackup,
  verifyBackup,
} from "@/features/system/api";
import { DamagedFiles } from "@/features/system/damaged-files";
import { RestoreDialog } from "@/features/system/restore-dialog";
import { errorMessage } from "@/lib/api";
import type { Job } from "@/lib/jobs";
import { useLoad } from "@/lib/use-load";

type Running = { id: string; label: string; restore: boolean };

export function BackupsPanel({ version, onChanged }: { version: number; onChanged: () => void }) {
  const loaded = useLoad(listBackups, [version]);
  const [running, setRunning] = useState<Running | null>(null);
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const [uploaded, setUploaded] = useState<string>("");
  const toast = useToast();
  const confirm = useConfirm();

  async function start(call: () => Promise<Job>, label: string, restore = false) {
    try {
      setRunning({ id: (await call()).id, label, restore });
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  function finished(job: JobState) {
    onChanged();
    if (running?.restore && job.status === "succeeded") {
      toast("Restored. The page reloads with the restored data.", "success");
      setTimeout(() => location.reload(), 1500);
    }
  }

  async function remove(backup: Backup) {
    const ok = await confirm({
      title: "Delete this backup?",
      message: `${backup.name} (${formatSize(backup.size)}) is deleted from the backup directory.`,
      confirmLabel: "Delete backup",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteBackup(backup.name);
      toast("Backup deleted.", "success");
      loaded.reload();
      onChanged();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  async function pin(backup: Backup) {
    try {
      await setPinned(backup.name, !backup.pinned);
      toast(backup.pinned ? "Backup unpinned." : "Backup pinned: retention keeps it.", "success");
      loaded.reload();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  async function upload(file: File) {
    try {
      const made = await uploadBackup(file, (sent, total) =>
        setUploaded(`Uploading: ${Math.floor((sent / Math.max(total, 1)) * 100)}%`),
      );
      setUploaded("");
      toast(`Uploaded as ${made.name}. Verify it before restoring.`, "success");
      loaded.reload();
    } catch (error) {
      setUploaded("");
      toast(errorMessage(error), "error");
    }
  }

  const data = loaded.data;
  return (
    <section class="card" aria-labelledby="backups-heading">
      <div class="page__header">
        <h2 id="backups-heading">Backups</h2>
        <div class="button-row">
          <button type="button" class="button button--primary" onClick={() => start(createBackup, "Backup and verify")}>
            Back up now
          </button>
          <label class="button">
            Upload a backup…
            <input
              type="file"
              accept=".tar.gz,application/gzip"
              class="visually-hidden"
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = "";
                if (file) void upload(file);
              }}
            />
          </label>
        </div>
      </div>
      {data && (
        <p class="muted">
          In <code>{data.directory}</code>: {formatSize(data.free_bytes)} free of {formatSize(data.total_bytes)}.
        </p>
      )}
      <p class="muted">Pinned and hand-made backups are never deleted by retention. Unpin a backup to delete it.</p>
      {uploaded && <p role="status">{uploaded}</p>}
      <LoadState loaded={loaded} what="the backups" />
      {running && <JobProgress jobId={running.id} label={running.label} onFinished={finished} />}
      {data && data.items.length === 0 && <p class="muted">No backups yet.</p>}
      {data && data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="backups">
            <thead>
              <tr>
                <th scope="col">Backup</th>
                <th scope="col">Made</th>
                <th scope="col">Origin</th>
                <th scope="col">Size</th>
                <th scope="col">Verified</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((backup) => (
                <tr key={backup.name} data-backup={backup.name} data-origin={backup.origin}>
                  <th scope="row">
                    {backup.name}
                    {backup.pinned && <span class="badge badge--accent"> pinned</span>}
                  </th>
                  <td>
                    <Time value={backup.created_at} empty="—" />
                  </td>
                  <td>{originLabel(backup.origin)}</td>
                  <td>{formatSize(backup.size)}</td>
                  <td>
                    <VerifyState backup={backup} />
                  </td>
                  <td class="table__actions">
                    <a class="button button--small" href={downloadPath(backup.name)} download={backup.name}>
                      Download
                    </a>
                    <button
                      type="button"
                      class="button button--small"
                      onClick={() => start(() => verifyBackup(backup.name), `Verifying ${backup.name}`)}
                    >
                      Verify
                    </button>
                    <button type="button" class="button button--small" onClick={() => setRestoring(backup)}>
                      Restore…
                    </button>
                    <button type="button" class="button button--small" onClick={() => pin(backup)}>
                      {backup.pinned ? "Unpin" : "Pin"}
                    </button>
                    <button
                      type="button"
                      class="button button--small button--danger"
                      disabled={backup.pinned}
                      title={backup.pinned ? "Unpin it to delete it" : undefined}
                      onClick={() => remove(backup)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <DamagedFiles version={version} onChanged={onChanged} />
      {restoring && (
        <RestoreDialog
          backup={restoring}
          onClose={() => setRestoring(null)}
          onConfirm={(typed) => {
            const name = restoring.name;
            setRestoring(null);
            void start(() => restoreBackup(name, typed), `Restoring ${name}`, true);
          }}
        />
      )}
    </section>
  );
}

function VerifyState({ backup }: { backup: Backup }) {
  const verify = backup.verify;
  const formatTime = useFormatTime();
  if (!verify) return <span class="badge badge--muted">not verified</span>;
  if (verify.ok) {
    return (
      <span class="badge badge--ok" title={`Verified ${formatTime(verify.checked_at)} in ${verify.seconds} s`}>
        verified
      </span>
    );
  }
  return (
    <span class="badge badge--fail" title={verify.problems.join("\n")}>
      failed: {verify.problems[0]}
    </span>
  );
}
