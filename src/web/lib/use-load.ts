// Load data for a page or panel: the result, a readable error, and reload(). Answers to stale requests are dropped.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { errorMessage } from "@/lib/api";

export type Loaded<T> =
  | { state: "loading"; data: T | undefined; reload: () => void }
  | { state: "failed"; data: T | undefined; error: string; reload: () => void }
  | { state: "ready"; data: T; reload: () => void };

type Result<T> = { state: "loading" } | { state: "failed"; error: string } | { state: "ready"; data: T };

/** Runs `load` on mount and whenever `deps` change; keeps showing the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [result, setResult] = useState<Result<T>>({ state: "loading" });
  const [last, setLast] = useState<T | undefined>(undefined);
  const sequence = useRef(0);

  // The caller lists in `deps` what `load` depends on.
  const run = useCallback(() => {
    const mine = ++sequence.current;
    setResult({ state: "loading" });
    load().then(
      (data) => {
        if (mine !== sequence.current) return;
        setLast(data);
        setResult({ state: "ready", data });
      },
      (error: unknown) => {
        if (mine === sequence.current) setResult({ state: "failed", error: errorMessage(error) });
      },
    );
  }, deps);

  useEffect(() => {
    run();
    return () => {
      sequence.current++; // unmounted or deps changed: ignore the answer in flight
    };
  }, [run]);

  if (result.state === "ready") return { state: "ready", data: result.data, reload: run };
  if (result.state === "failed") return { state: "failed", data: last, error: result.error, reload: run };
  return { state: "loading", data: last, reload: run };
}
