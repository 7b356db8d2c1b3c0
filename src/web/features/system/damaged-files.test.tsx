import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfirmProvider } from "@/components/confirm-dialog";
import { ToastProvider } from "@/components/toast";
import type { DamagedList } from "@/features/system/api";
import { DAMAGED_NOTE, DamagedFiles } from "@/features/system/damaged-files";

const KEPT: DamagedList = {
  items: [
    {
      name: "20261204T195800Z",
      created_at: "2026-12-04T19:58:00Z",
      files: [
        { name: "devcell.db", size: 3 * 1024 * 1024 },
        { name: "devcell.db-wal", size: 512 * 1024 },
      ],
      size: 3.5 * 1024 * 1024,
    },
  ],
  total_size: 3.5 * 1024 * 1024,
};

let root: HTMLElement;

beforeEach(() => {
  // jsdom has no modal dialogs: open and close are all the confirmation needs here (Chromium runs the real one).
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.open = false;
  };
  root = document.createElement("div");
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

/** The server's answer to every request: the list for GET, 204 for DELETE. */
function serve(list: DamagedList) {
  const fetch = vi.fn(async (_url: string, init?: RequestInit) =>
    init?.method === "DELETE" ? new Response(null, { status: 204 }) : new Response(JSON.stringify(list)),
  );
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

async function show() {
  await act(async () => {
    render(
      <ToastProvider>
        <ConfirmProvider>
          <DamagedFiles version={0} onChanged={() => {}} />
        </ConfirmProvider>
      </ToastProvider>,
      root,
    );
  });
  await settle();
}

async function settle() {
  // The list arrives over a few promise turns (fetch, then its JSON): let them all run before looking.
  for (let turn = 0; turn < 5; turn++) {
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
  }
}

describe("DamagedFiles", () => {
  it("shows nothing while no damaged database was kept", async () => {
    serve({ items: [], total_size: 0 });
    await show();
    expect(root.querySelector("[data-testid=damaged]")).toBeNull();
  });

  it("lists each folder with its files, total size and what the copies are for", async () => {
    const fetch = serve(KEPT);
    await show();
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/backups/damaged");
    const section = root.querySelector("[data-testid=damaged]");
    expect(section?.querySelector("h3")?.textContent).toBe("Damaged database files");
    expect(section?.textContent).toContain(DAMAGED_NOTE);
    const row = root.querySelector("[data-damaged='20261204T195800Z']");
    expect(row?.textContent).toContain("devcell.db (3.0 MB), devcell.db-wal (512.0 kB)");
    expect(row?.querySelectorAll("td")[1]?.textContent).toBe("3.5 MB");
    expect(row?.querySelector("time")?.getAttribute("datetime")).toBe("2026-12-04T19:58:00Z");
  });

  it("names the folder in the Delete button's accessible name", async () => {
    serve(KEPT);
    await show();
    const button = root.querySelector("[data-damaged] button");
    expect(button?.textContent).toBe("Delete");
    expect(button?.getAttribute("aria-label")).toMatch(/^Delete the damaged database files kept /);
  });

  it("deletes a folder only after the confirmation", async () => {
    const fetch = serve(KEPT);
    await show();
    await act(async () => (root.querySelector("[data-damaged] button") as HTMLButtonElement).click());
    const dialog = document.querySelector("[role=alertdialog]");
    expect(dialog?.textContent).toContain("3.5 MB");
    expect(fetch.mock.calls.some(([, init]) => init?.method === "DELETE")).toBe(false);
    const go = [...(dialog?.querySelectorAll("button") ?? [])].find((b) => b.textContent === "Delete files");
    await act(async () => go?.click());
    await settle();
    const deleted = fetch.mock.calls.find(([, init]) => init?.method === "DELETE");
    expect(deleted?.[0]).toBe("/api/backups/damaged/20261204T195800Z");
  });
});
