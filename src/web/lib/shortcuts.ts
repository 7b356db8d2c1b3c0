// Keyboard shortcuts of the signed-in shell, as plain logic the shell feeds key events into: which key does what,
// when a key is somebody's typing (never a shortcut), and the two-key "g then t" sequences.

/** What a shortcut asks the shell to do. */
export type ShortcutAction =
  | { kind: "create-task" }
  | { kind: "search" }
  | { kind: "go"; to: string }
  | { kind: "help" }
  | { kind: "palette" };

/** The parts of a KeyboardEvent the shortcuts read. */
export type KeyInput = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat?: boolean;
  target: EventTarget | null;
};

/** The second key after "g", and where it goes. */
export const GO_TARGETS: Readonly<Record<string, { to: string; label: string }>> = {
  t: { to: "/tasks", label: "Tasks" },
  s: { to: "/standups", label: "Standups" },
  k: { to: "/knowledge", label: "Knowledge" },
};

/** How long "g" waits for its second key. */
export const SEQUENCE_MS = 1500;

/** Every shortcut, as the help dialog lists them: the keys to press one after another, and what they do. */
export function shortcutList(mac: boolean): { keys: string[]; what: string }[] {
  return [
    { keys: [mac ? "⌘ K" : "Ctrl K"], what: "Open the command palette (also while typing)" },
    { keys: ["c"], what: "Create a task" },
    { keys: ["/"], what: "Search this page, or open the command palette on pages without a search" },
    ...Object.entries(GO_TARGETS).map(([key, target]) => ({ keys: ["g", key], what: `Go to ${target.label}` })),
    { keys: ["?"], what: "Show these keyboard shortcuts" },
  ];
}

/** Whether keys typed with this element focused are text (or a choice) rather than commands. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  // jsdom has no isContentEditable; the attribute says the same for the element and its ancestors.
  if (element.closest("[contenteditable]:not([contenteditable=false])")) return true;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName);
}

/** Ctrl-K everywhere, Cmd-K on a Mac. */
export function isPaletteKey(event: KeyInput, mac: boolean): boolean {
  if (event.altKey || event.key.toLowerCase() !== "k") return false;
  return (event.ctrlKey && !event.metaKey) || (mac && event.metaKey && !event.ctrlKey);
}

/** Whether the browser runs on an Apple system (where Cmd, not Ctrl, goes with K). */
export function onMac(platform: string = navigator.platform || navigator.userAgent): boolean {
  return /mac|iphone|ipad|ipod/i.test(platform);
}

/** A key handler with the memory of a pending "g": feed it every keydown; it answers what to do, or null. */
export function createShortcuts(
  mac: boolean,
  now: () => number = Date.now,
): (event: KeyInput) => ShortcutAction | null {
  let goSince: number | null = null;
  return (event) => {
    if (isPaletteKey(event, mac)) {
      goSince = null;
      return { kind: "palette" };
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || isTypingTarget(event.target)) return null;
    const pending = goSince !== null && now() - goSince <= SEQUENCE_MS;
    goSince = null;
    if (pending) {
      const target = GO_TARGETS[event.key];
      if (target) return { kind: "go", to: target.to };
      if (isModifierOnly(event.key)) goSince = now(); // Shift on the way to a key: still waiting
      return null;
    }
    switch (event.key) {
      case "g":
        goSince = now();
        return null;
      case "c":
        return { kind: "create-task" };
      case "/":
        return { kind: "search" };
      case "?":
        return { kind: "help" };
      default:
        return null;
    }
  };
}

function isModifierOnly(key: string): boolean {
  return key === "Shift" || key === "Control" || key === "Alt" || key === "Meta" || key === "CapsLock";
}
