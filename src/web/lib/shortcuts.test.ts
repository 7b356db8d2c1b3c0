import { describe, expect, it } from "vitest";
import {
  createShortcuts,
  isPaletteKey,
  isTypingTarget,
  type KeyInput,
  onMac,
  SEQUENCE_MS,
  shortcutList,
} from "@/lib/shortcuts";

function key(k: string, more: Partial<KeyInput> = {}): KeyInput {
  return { key: k, ctrlKey: false, metaKey: false, altKey: false, target: document.body, ...more };
}

function clock() {
  let now = 0;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("createShortcuts", () => {
  it("maps single keys to their actions", () => {
    const handle = createShortcuts(false);
    expect(handle(key("c"))).toEqual({ kind: "create-task" });
    expect(handle(key("/"))).toEqual({ kind: "search" });
    expect(handle(key("?"))).toEqual({ kind: "help" });
    expect(handle(key("x"))).toBeNull();
    expect(handle(key("C"))).toBeNull(); // Shift+c is not c
  });

  it("goes somewhere with g then t, s or k within the time", () => {
    const time = clock();
    const handle = createShortcuts(false, time.now);
    for (const [second, to] of [
      ["t", "/tasks"],
      ["s", "/standups"],
      ["k", "/knowledge"],
    ]) {
      expect(handle(key("g"))).toBeNull();
      time.advance(SEQUENCE_MS - 1);
      expect(handle(key(second as string))).toEqual({ kind: "go", to });
    }
  });

  it("forgets the g after the time, or after another key", () => {
    const time = clock();
    const handle = createShortcuts(false, time.now);
    handle(key("g"));
    time.advance(SEQUENCE_MS + 1);
    expect(handle(key("t"))).toBeNull();
    handle(key("g"));
    expect(handle(key("x"))).toBeNull();
    expect(handle(key("t"))).toBeNull();
    handle(key("g"));
    expect(handle(key("c"))).toBeNull(); // the second key of a sequence is never a shortcut of its own
    expect(handle(key("c"))).toEqual({ kind: "create-task" });
  });

  it("waits through a lone modifier key between g and its second key", () => {
    const handle = createShortcuts(false, clock().now);
    handle(key("g"));
    handle(key("Shift"));
    expect(handle(key("k"))).toEqual({ kind: "go", to: "/knowledge" });
  });

  it("ignores keys typed into fields and keys with modifiers", () => {
    const handle = createShortcuts(false);
    for (const tag of ["input", "textarea", "select"]) {
      expect(handle(key("c", { target: document.createElement(tag) }))).toBeNull();
    }
    const editor = document.createElement("div");
    editor.setAttribute("contenteditable", "true");
    const inside = document.createElement("span");
    editor.append(inside);
    expect(handle(key("/", { target: inside }))).toBeNull();
    expect(handle(key("c", { ctrlKey: true }))).toBeNull();
    expect(handle(key("c", { altKey: true }))).toBeNull();
    expect(handle(key("c", { metaKey: true }))).toBeNull();
    expect(handle(key("c", { repeat: true }))).toBeNull();
    expect(handle(key("g", { target: document.createElement("input") }))).toBeNull();
    expect(handle(key("t"))).toBeNull(); // the g typed into the field started nothing
  });

  it("opens the palette with Ctrl-K, also while typing, and Cmd-K only on a Mac", () => {
    const field = document.createElement("input");
    expect(createShortcuts(false)(key("k", { ctrlKey: true, target: field }))).toEqual({ kind: "palette" });
    expect(createShortcuts(false)(key("k", { metaKey: true }))).toBeNull();
    expect(createShortcuts(true)(key("k", { metaKey: true }))).toEqual({ kind: "palette" });
    expect(createShortcuts(true)(key("K", { ctrlKey: true }))).toEqual({ kind: "palette" });
  });
});

describe("helpers", () => {
  it("tells typing targets apart", () => {
    expect(isTypingTarget(document.createElement("button"))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
    const off = document.createElement("div");
    off.setAttribute("contenteditable", "false");
    expect(isTypingTarget(off)).toBe(false);
  });

  it("knows the palette key", () => {
    expect(isPaletteKey(key("k", { ctrlKey: true, altKey: true }), false)).toBe(false);
    expect(isPaletteKey(key("k", { ctrlKey: true, metaKey: true }), true)).toBe(false);
  });

  it("knows a Mac", () => {
    expect(onMac("MacIntel")).toBe(true);
    expect(onMac("Linux x86_64")).toBe(false);
  });

  it("lists every shortcut for the help dialog", () => {
    const keys = shortcutList(false).map((s) => s.keys.join(" "));
    expect(keys).toEqual(["Ctrl K", "c", "/", "g t", "g s", "g k", "?"]);
    expect(shortcutList(true)[0]?.keys).toEqual(["⌘ K"]);
  });
});
