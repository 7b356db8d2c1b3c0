// System page, backups panel: the damaged database files restores kept (damaged/<time>/), each with its size and a
// Delete button. DevCell never deletes them itself, so this is the one place they go; hidden while there are none.
import { useConfirm } from "@/components/confirm-dialog";
import { LoadState } from "@/components/load-state";
import { useFormatTime } from "@/components/time";
import { useToast } from "@/components/toast";
import { type DamagedFolder, deleteDamaged, formatSize, listDamaged } from "@/features/system/api";
import { errorMessage } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

export const DAMAGED_NOTE =
  "Copies of a damaged database, kept when a backup was restored over it. A specialist may still recover recent " +
  "work from them; delete them when you no longer need them.";

export function DamagedFiles({ version, onChanged }: { version: number; onChanged: () => void }) {
  const loaded = useLoad(listDamaged, [version]);
  const confirm = useConfirm();
  const toast = useToast();
  const formatTime = useFormatTime();

  async function remove(folder: DamagedFolder) {
    const ok = await confirm({
      title: "Delete these damaged database files?",
      message: `The copies kept ${formatTime(folder.created_at)} (${formatSize(folder.size)}) are deleted for good; nothing can be recovered from them afterwards.`,
      confirmLabel: "Delete files",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteDamaged(folder.name);
      toast("Damaged database files deleted.", "success");
      loaded.reload();
      onChanged(); // the disk has more room: health and the backups' free space change
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  // Loading shows nothing: most appliances never have any, and the panel should not flicker for them.
  if (loaded.state === "failed") return <LoadState loaded={loaded} what="the damaged database files" />;
  const items = loaded.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="damaged-heading" data-testid="damaged">
      <h3 id="damaged-heading">Damaged database files</h3>
      <p class="muted">{DAMAGED_NOTE}</p>
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Kept</th>
              <th scope="col">Files</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((folder) => (
              <DamagedRow key={folder.name} folder={folder} onDelete={() => remove(folder)} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DamagedRow({ folder, onDelete }: { folder: DamagedFolder; onDelete: () => void }) {
  const kept = useFormatTime()(folder.created_at);
  return (
    <tr data-damaged={folder.name}>
      <th scope="row">
        <time dateTime={folder.created_at}>{kept}</time>
      </th>
      <td>{folder.files.map((file) => `${file.name} (${formatSize(file.size)})`).join(", ")}</td>
      <td>{formatSize(folder.size)}</td>
      <td class="table__actions">
        <button
          type="button"
          class="button button--small button--danger"
          aria-label={`Delete the damaged database files kept ${kept}`}
          onClick={onDelete}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}
