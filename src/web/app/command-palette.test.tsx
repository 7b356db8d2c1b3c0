import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandPalette } from "@/app/command-palette";
import type { FindOut } from "@/app/find-api";

const FOUND: FindOut = {
  q: "flux",
  groups: [
    {
      kind: "task",
      label: "Tasks",
      items: [
        { id: 7, title: "Calibrate the flux capacitor", subtitle: "#7 · Apollo · To do", url: "/tasks/7" },
        { id: 9, title: "Flux notes", subtitle: "#9 · Personal · Done", url: "/tasks/9" },
      ],
    },
  ],
};

let root: HTMLElement;
let opened: string[];

beforeEach(() => {
  // jsdom has no modal dialogs: open and close are all the palette needs here (Chromium runs the real one).
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.open = false;
  };
  root = document.createElement("div");
  document.body.append(root);
  opened = [];
});

afterEach(() => {
  render(null, root);
  root.remove();
});

async function show(admin = false) {
  await act(async () => {
    render(<CommandPalette admin={admin} onOpen={(url) => opened.push(url)} onClose={() => {}} />, root);
  });
  return root.querySelector<HTMLInputElement>("[role=combobox]") as HTMLInputElement;
}

async function type(field: HTMLInputElement, text: string) {
  await act(async () => {
    field.value = text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
  // The debounce, then fetch and its JSON over a few promise turns.
  await act(() => new Promise((resolve) => setTimeout(resolve, 200)));
  for (let turn = 0; turn < 5; turn++) await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

async function press(field: HTMLInputElement, key: string) {
  await act(async () => {
    field.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
  });
}

const options = () => [...root.querySelectorAll("[role=option]")].map((option) => option.textContent);
const status = () => root.querySelector("[role=status]")?.textContent;

describe("CommandPalette", () => {
  it("lists the pages before any typing, admin pages only for administrators", async () => {
    const field = await show();
    expect(field.getAttribute("aria-expanded")).toBe("true");
    expect(options()).toContain("Tasks");
    expect(options()).not.toContain("System");
    render(null, root);
    await show(true);
    expect(options()).toContain("System");
  });

  it("finds on the server, moves the choice with the arrows and opens it with Enter", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(FOUND)));
    vi.stubGlobal("fetch", fetch);
    const field = await show();
    await type(field, " flux ");
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(String(fetch.mock.calls[0]?.[0 as never])).toBe("/api/find?q=flux&limit=5");
    expect(status()).toBe("2 results.");
    expect(options()).toEqual(["Calibrate the flux capacitor#7 · Apollo · To do", "Flux notes#9 · Personal · Done"]);
    const chosen = () => document.getElementById(field.getAttribute("aria-activedescendant") ?? "");
    expect(chosen()?.getAttribute("aria-selected")).toBe("true");
    expect(chosen()?.textContent).toContain("Calibrate");
    await press(field, "ArrowDown");
    expect(chosen()?.textContent).toContain("Flux notes");
    await press(field, "ArrowDown"); // round to the first
    expect(chosen()?.textContent).toContain("Calibrate");
    await press(field, "ArrowUp");
    await press(field, "Enter");
    expect(opened).toEqual(["/tasks/9"]);
  });

  it("says when nothing matches, and keeps the pages when the server fails", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ q: "zzz", groups: [] }))),
    );
    const field = await show();
    await type(field, "zzz");
    expect(status()).toBe("Nothing matches “zzz”.");
    expect(field.getAttribute("aria-expanded")).toBe("false");
    expect(root.querySelector("[role=listbox]")).toBeNull();
    const failed = { error: { code: "validation_failed", message: "q: too long", detail: [] } };
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify(failed), { status: 422 })),
    );
    await type(field, "task");
    expect(status()).toBe("Only pages are listed: q: too long");
    expect(options()).toEqual(["Tasks"]);
  });
});
