// The "?" dialog: every keyboard shortcut of the shell.
import { Dialog } from "@/components/dialog";
import { shortcutList } from "@/lib/shortcuts";

export function ShortcutsDialog({ mac, onClose }: { mac: boolean; onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <p class="dialog__message">Single keys work anywhere except while typing in a field.</p>
      <table class="table shortcuts">
        <caption class="visually-hidden">Keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
          </tr>
        </thead>
        <tbody>
          {shortcutList(mac).map((shortcut) => (
            <tr key={shortcut.keys.join(" ")}>
              <td class="shortcuts__keys">
                {shortcut.keys.map((key, at) => (
                  <span key={key}>
                    {at > 0 && <span class="muted"> then </span>}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{shortcut.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
