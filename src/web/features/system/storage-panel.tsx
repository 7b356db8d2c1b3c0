// System page: what wears a Raspberry Pi's SD card and what DevCell does about it: how often the database's
// write-ahead log is copied in, where backups go, and the power and temperature checks that guard the card.
import { LoadState } from "@/components/load-state";
import { type BackupList, getSchedule, listBackups, type ScheduleEntry } from "@/features/system/api";
import { useLoad } from "@/lib/use-load";

async function loadStorage(): Promise<{ checkpoint: ScheduleEntry | undefined; backups: BackupList }> {
  const [schedule, backups] = await Promise.all([getSchedule(), listBackups()]);
  return { checkpoint: schedule.find((entry) => entry.name === "checkpoint"), backups };
}

export function StoragePanel({ version }: { version: number }) {
  const loaded = useLoad(loadStorage, [version]);
  const checkpoint = loaded.data?.checkpoint;
  const backups = loaded.data?.backups;
  return (
    <section class="card" aria-labelledby="storage-heading" data-testid="storage-panel">
      <h2 id="storage-heading">SD card and storage</h2>
      <LoadState loaded={loaded} what="the storage details" />
      <p class="muted">
        On a Raspberry Pi the data lives on the SD card, and every write wears it a little. DevCell writes little: a
        change goes to the database's write-ahead log first and is safe there, and the log is copied into the database
        file at checkpoints.
      </p>
      <dl class="storage-facts">
        <dt>Database checkpoints</dt>
        <dd>
          {checkpoint ? checkpoint.schedule : "—"}. A longer interval (setting <code>checkpoint_minutes</code>) writes
          the card less often and lets the log grow between checkpoints; a shorter one keeps the log small.
        </dd>
        <dt>Backups</dt>
        <dd>
          {backups ? <code>{backups.directory}</code> : "—"}
          {backups?.same_disk_as_data && (
            <span data-testid="same-disk">
              {" "}
              is on the same disk as the data: a card that fails takes these backups with it. Mount a USB disk under{" "}
              <code>/mnt</code> or <code>/media</code> and choose a folder on it as the backup folder in Settings.
            </span>
          )}
          {backups && !backups.same_disk_as_data && " is on another disk than the data."}
        </dd>
        <dt>Power and temperature</dt>
        <dd>
          See "Power and throttling" and "CPU temperature" under Health. Under-voltage while the card is written is the
          most common way a Pi's card gets corrupted: use the official power supply.
        </dd>
      </dl>
    </section>
  );
}
