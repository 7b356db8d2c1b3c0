import { render } from "preact";
import { useState } from "preact/hooks";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MarkdownEditor, type MentionScope } from "@/components/markdown-editor";

const PEOPLE = [
  { id: 1, username: "ada", display_name: "Ada Lovelace" },
  { id: 2, username: "alan", display_name: "" },
];

let root: HTMLElement;
let fetch: ReturnType<typeof vi.fn>;

beforeEach(() => {
  root = document.createElement("div");
  document.body.append(root);
  fetch = vi.fn(async () => new Response(JSON.stringify({ items: PEOPLE })));
  vi.stubGlobal("fetch", fetch);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

function Editor({ scope }: { scope: MentionScope }) {
  const [text, setText] = useState("");
  return <MarkdownEditor id="body" label="Body" value={text} onInput={setText} mentions={scope} />;
}

async function show(scope: MentionScope = { kind: "task", id: 7 }) {
  await act(async () => {
    render(<Editor scope={scope} />, root);
  });
  return root.querySelector("textarea") as HTMLTextAreaElement;
}

async function type(field: HTMLTextAreaElement, text: string) {
  await act(async () => {
    field.focus();
    field.value += text;
    field.setSelectionRange(field.value.length, field.value.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await act(() => new Promise((resolve) => setTimeout(resolve, 200))); // the pause, then the answer
  for (let turn = 0; turn < 5; turn++) await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

async function press(field: HTMLTextAreaElement, key: string) {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  await act(async () => {
    field.dispatchEvent(event);
  });
  return event;
}

const options = () => [...root.querySelectorAll("[role=option]")].map((option) => option.textContent);

describe("MarkdownEditor mentions", () => {
  it("asks who can see the item and lists them in a listbox tied to the textarea", async () => {
    const field = await show();
    await type(field, "Hi @a");
    expect(String(fetch.mock.calls[0]?.[0])).toBe("/api/notifications/mentionable?kind=task&id=7&q=a&limit=8");
    expect(options()).toEqual(["Ada Lovelace@ada", "alan@alan"]);
    expect(field.getAttribute("aria-controls")).toBe("body-mentions");
    expect(field.getAttribute("aria-activedescendant")).toBe("body-mention-0");
  });

  it("moves with the arrows and inserts @username with Enter", async () => {
    const field = await show({ kind: "standup", projectId: 3 });
    await type(field, "@");
    expect(String(fetch.mock.calls[0]?.[0])).toBe("/api/notifications/mentionable?kind=standup&project_id=3&limit=8");
    await press(field, "ArrowDown");
    expect(field.getAttribute("aria-activedescendant")).toBe("body-mention-1");
    await press(field, "ArrowDown"); // round to the first
    await press(field, "ArrowUp");
    const enter = await press(field, "Enter");
    expect(enter.defaultPrevented).toBe(true);
    expect(field.value).toBe("@alan ");
    expect(root.querySelector("[role=listbox]")).toBeNull();
  });

  it("closes with Escape without touching the text or telling a surrounding dialog", async () => {
    const field = await show();
    await type(field, "see @ad");
    const outside = vi.fn();
    root.addEventListener("keydown", outside);
    const escaped = await press(field, "Escape");
    expect(escaped.defaultPrevented).toBe(true);
    expect(outside).not.toHaveBeenCalled();
    expect(root.querySelector("[role=listbox]")).toBeNull();
    expect(field.value).toBe("see @ad");
    await type(field, "a");
    expect(root.querySelector("[role=listbox]")).toBeNull(); // the same mention stays closed
  });

  it("inserts the person clicked", async () => {
    const field = await show();
    await type(field, "cc @");
    await act(async () => {
      (root.querySelectorAll("[role=option]")[0] as HTMLElement).click();
    });
    expect(field.value).toBe("cc @ada ");
  });

  it("offers nobody in an e-mail address or in code", async () => {
    const field = await show();
    await type(field, "mail ada@ex and `@a");
    expect(fetch).not.toHaveBeenCalled();
    expect(root.querySelector("[role=listbox]")).toBeNull();
  });
});
