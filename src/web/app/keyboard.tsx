// The shell's keyboard layer: listens for the shortcuts (lib/shortcuts.ts) and shows the command palette and the
// shortcuts dialog. Shortcuts rest while any modal dialog is open: the page behind it is inert.
import { useEffect, useMemo } from "preact/hooks";
import { useLocation } from "preact-iso";
import { CommandPalette } from "@/app/command-palette";
import { ShortcutsDialog } from "@/app/shortcuts-dialog";
import { createShortcuts, isPaletteKey, onMac, type ShortcutAction } from "@/lib/shortcuts";

/** Which of the layer's dialogs is open; the shell keeps it, so its own buttons can open them too. */
export type KeyboardDialog = "palette" | "help" | null;

type Props = { admin: boolean; open: KeyboardDialog; setOpen: (open: KeyboardDialog) => void };

export function KeyboardLayer({ admin, open, setOpen }: Props) {
  const { route } = useLocation();
  const mac = useMemo(() => onMac(), []);

  useEffect(() => {
    const handle = createShortcuts(mac);
    const listener = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if (document.querySelector("dialog[open]")) {
        if (isPaletteKey(event, mac)) event.preventDefault(); // not the browser's own Ctrl-K either
        return;
      }
      const action = handle(event);
      if (!action) return;
      event.preventDefault();
      perform(action);
    };
    const perform = (action: ShortcutAction) => {
      if (action.kind === "palette") setOpen("palette");
      else if (action.kind === "help") setOpen("help");
      else if (action.kind === "create-task") route("/tasks?new=1");
      else if (action.kind === "go") route(action.to);
      else if (!focusPageSearch()) setOpen("palette");
    };
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, [mac, route, setOpen]);

  const close = () => setOpen(null);
  if (open === "help") return <ShortcutsDialog mac={mac} onClose={close} />;
  if (open === "palette") {
    return (
      <CommandPalette
        admin={admin}
        onClose={close}
        onOpen={(url) => {
          close();
          route(url);
        }}
      />
    );
  }
  return null;
}

/** Focus the page's own search field: one marked `data-page-search`, else the search box of its filters (every
 *  list page has one: `.filters input[type=search]`); false when the page has none. */
function focusPageSearch(): boolean {
  const main = document.getElementById("main");
  const selector = "[data-page-search], .filters input[type=search]";
  const candidates = main ? [...main.querySelectorAll<HTMLElement>(selector)] : [];
  const shown = candidates.filter((field) => field.getClientRects().length > 0 && !field.matches(":disabled"));
  const field = shown.find((candidate) => candidate.hasAttribute("data-page-search")) ?? shown[0];
  if (!field) return false;
  field.focus();
  if (field instanceof HTMLInputElement) field.select();
  return true;
}
