// Several files uploaded one or two at a time (all at once would split a Pi's bandwidth and disk among them and
// finish none early): each file's progress and outcome, reported as a fresh list on every change.

export type UploadState = "waiting" | "uploading" | "done" | "failed";

export type UploadItem = {
  key: number;
  name: string;
  size: number;
  state: UploadState;
  sent: number;
  /** What happened: the server's error message, or what became of the file. */
  message: string;
};

/** Sends one file, reporting bytes sent; resolves with what to say about it, rejects with the reason. */
export type SendFile = (file: File, onProgress: (sent: number, total: number) => void) => Promise<string>;

type Entry = { item: UploadItem; file: File };

export type UploadQueue = {
  /** Queue files; finished entries of earlier batches leave the list when nothing is in flight any more. */
  add: (files: readonly File[]) => void;
};

export function createUploadQueue(
  send: SendFile,
  onChange: (items: UploadItem[]) => void,
  onSettled: (item: UploadItem) => void,
  concurrency = 2,
): UploadQueue {
  let entries: Entry[] = [];
  let nextKey = 0;
  const report = () => onChange(entries.map((entry) => ({ ...entry.item })));
  const running = () => entries.filter((entry) => entry.item.state === "uploading").length;

  function update(entry: Entry, changes: Partial<UploadItem>) {
    entry.item = { ...entry.item, ...changes };
    report();
  }

  function start(entry: Entry) {
    update(entry, { state: "uploading", sent: 0 });
    send(entry.file, (sent) => update(entry, { sent: Math.min(sent, entry.item.size) })).then(
      (message) => finish(entry, { state: "done", sent: entry.item.size, message }),
      (error: unknown) =>
        finish(entry, { state: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
  }

  function finish(entry: Entry, changes: Partial<UploadItem>) {
    update(entry, changes);
    onSettled({ ...entry.item });
    pump();
  }

  function pump() {
    for (const entry of entries) {
      if (running() >= concurrency) return;
      if (entry.item.state === "waiting") start(entry);
    }
  }

  return {
    add(files) {
      if (!files.length) return;
      const busy = entries.some((entry) => entry.item.state === "waiting" || entry.item.state === "uploading");
      if (!busy) entries = []; // a new batch: the outcomes of the last one have been seen
      for (const file of files) {
        const item: UploadItem = {
          key: nextKey++,
          name: file.name,
          size: file.size,
          state: "waiting",
          sent: 0,
          message: "",
        };
        entries.push({ item, file });
      }
      report();
      pump();
    },
  };
}
