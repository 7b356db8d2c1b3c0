// Top-bar chip: is an LLM configured and reachable (GET /api/llm/status, cached on the server; no completion).
import { useEffect, useState } from "preact/hooks";
import "@/features/knowledge/llm-chip.css";
import { request } from "@/lib/api";

type LlmStatus = { configured: boolean; reachable: boolean; model: string; message: string };
const POLL_MS = 60_000;

export function LlmChip() {
  const [status, setStatus] = useState<LlmStatus | null>(null);
  useEffect(() => {
    let live = true;
    const poll = () => {
      if (document.hidden) return;
      request<LlmStatus>("GET", "/api/llm/status").then(
        (found) => live && setStatus(found),
        () => live && setStatus(null),
      );
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  if (!status) return null;
  const [tone, label] = !status.configured
    ? ["muted", "No LLM"]
    : status.reachable
      ? ["ok", "LLM ready"]
      : ["warn", "LLM down"];
  return (
    <a href="/ask" class="health-link" title={status.message} aria-label={`${label}: ${status.message} Open Ask`}>
      <span class={`llm-chip llm-chip--${tone}`}>{label}</span>
    </a>
  );
}
