import { describe, expect, it } from "vitest";
import { createUploadQueue, type UploadItem } from "@/features/knowledge/upload-queue";

type Pending = {
  name: string;
  progress: (sent: number, total: number) => void;
  ok: (m: string) => void;
  fail: (e: Error) => void;
};

function setup(concurrency = 2) {
  const pending: Pending[] = [];
  let items: UploadItem[] = [];
  const settled: UploadItem[] = [];
  const queue = createUploadQueue(
    (file, progress) =>
      new Promise<string>((ok, fail) => {
        pending.push({ name: file.name, progress, ok, fail });
      }),
    (now) => {
      items = now;
    },
    (item) => settled.push(item),
    concurrency,
  );
  const states = () => items.map((item) => `${item.name}:${item.state}`);
  return { queue, pending, settled, states, items: () => items };
}

const file = (name: string, size = 10) => new File(["x".repeat(size)], name);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createUploadQueue", () => {
  it("sends two at a time and starts the next as one finishes", async () => {
    const { queue, pending, settled, states } = setup();
    queue.add([file("a.md"), file("b.md"), file("c.md")]);
    expect(states()).toEqual(["a.md:uploading", "b.md:uploading", "c.md:waiting"]);
    expect(pending.map((p) => p.name)).toEqual(["a.md", "b.md"]);
    pending[1]?.fail(new Error("That is not a document."));
    await tick();
    expect(states()).toEqual(["a.md:uploading", "b.md:failed", "c.md:uploading"]);
    expect(settled.map((item) => [item.name, item.message])).toEqual([["b.md", "That is not a document."]]);
    pending[0]?.ok("A uploaded.");
    pending[2]?.ok("C uploaded.");
    await tick();
    expect(states()).toEqual(["a.md:done", "b.md:failed", "c.md:done"]);
    expect(settled.map((item) => item.state)).toEqual(["failed", "done", "done"]);
  });

  it("reports each file's bytes sent", () => {
    const { queue, pending, items } = setup(1);
    queue.add([file("big.pdf", 100), file("next.pdf")]);
    pending[0]?.progress(40, 100);
    expect(items().map((item) => [item.sent, item.size])).toEqual([
      [40, 100],
      [0, 10],
    ]);
  });

  it("adds to a running batch, and starts a new list after a finished one", async () => {
    const { queue, pending, states } = setup(1);
    queue.add([file("a.md")]);
    queue.add([file("b.md")]);
    expect(states()).toEqual(["a.md:uploading", "b.md:waiting"]);
    pending[0]?.ok("done");
    await tick();
    pending[1]?.ok("done");
    await tick();
    queue.add([file("c.md")]);
    expect(states()).toEqual(["c.md:uploading"]);
    queue.add([]);
    expect(states()).toEqual(["c.md:uploading"]);
  });
});
