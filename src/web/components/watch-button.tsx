// Watch / unwatch a task or a project (hear about its comments and status changes): a toggle button whose name
// stays "Watch" while aria-pressed says whether the user watches.
import { useEffect, useState } from "preact/hooks";
import { useToast } from "@/components/toast";
import { errorMessage, request } from "@/lib/api";
import "@/components/watch-button.css";

type Props = {
  /** The subject's API path, e.g. /api/tasks/5 or /api/projects/2. */
  path: string;
  what: "task" | "project";
  /** The drawer's small button; a page header's is full size. */
  small?: boolean;
};

export function WatchButton({ path, what, small = true }: Props) {
  const [watching, setWatching] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  useEffect(() => {
    let live = true;
    setWatching(null);
    request<{ watching: boolean }>("GET", `${path}/watch`).then(
      (answer) => live && setWatching(answer.watching),
      () => undefined, // the button stays off; the page's own load reports a missing subject
    );
    return () => {
      live = false;
    };
  }, [path]);

  async function toggle() {
    const next = !watching;
    setBusy(true);
    try {
      const answer = await request<{ watching: boolean }>(next ? "PUT" : "DELETE", `${path}/watch`);
      setWatching(answer.watching);
      toast(answer.watching ? `You are watching this ${what}.` : `You no longer watch this ${what}.`, "success");
    } catch (error) {
      toast(errorMessage(error), "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <button
      type="button"
      class={`button${small ? " button--small" : ""} watch-button${watching ? " is-on" : ""}`}
      aria-pressed={watching ?? false}
      disabled={watching === null || busy}
      title={watching ? `You hear about this ${what}'s comments and status changes` : undefined}
      onClick={() => void toggle()}
    >
      <span aria-hidden="true">{watching ? "✓ " : ""}</span>
      Watch
    </button>
  );
}
