// What a list shows while it loads or after loading failed (with a retry button).
import type { Loaded } from "@/lib/use-load";

export function LoadState<T>({ loaded, what }: { loaded: Loaded<T>; what: string }) {
  if (loaded.state === "failed") {
    return (
      <div class="form-error" role="alert">
        <p>
          Could not load {what}: {loaded.error}
        </p>
        <button type="button" class="button" onClick={loaded.reload}>
          Try again
        </button>
      </div>
    );
  }
  if (loaded.state === "loading" && loaded.data === undefined) {
    return (
      <p class="muted" role="status">
        Loading {what}…
      </p>
    );
  }
  return null;
}
