// Settings -> LLM: "Test connection" asks the saved LLM server for its models (no completion is spent).
import { useState } from "preact/hooks";
import { type LlmTest, testLlm } from "@/features/settings/api";
import { errorMessage } from "@/lib/api";

type Verdict = { tone: "ok" | "warn" | "error"; lines: string[] };

const SHOWN_MODELS = 8;

/** Readable sentences for a test result; `model` is the saved llm_model. */
export function describeLlmTest(result: LlmTest, model: string): Verdict {
  if (!result.ok) {
    const reason = result.error?.message ?? "The LLM server did not answer.";
    return { tone: "error", lines: [reason] };
  }
  const where = `Connected to ${result.base_url} in ${Math.round(result.took_ms)} ms.`;
  const offered = result.models.slice(0, SHOWN_MODELS).join(", ") + (result.models.length > SHOWN_MODELS ? ", …" : "");
  if (result.model_available === null) {
    return { tone: "warn", lines: [where, `No model is set (llm_model). The server offers: ${offered || "none"}.`] };
  }
  if (!result.model_available) {
    return {
      tone: "warn",
      lines: [where, `The model "${model}" is not offered by this server. It offers: ${offered || "none"}.`],
    };
  }
  return { tone: "ok", lines: [where, `The model "${model}" is available.`] };
}

export function LlmTestPanel({ model, unsaved }: { model: string; unsaved: boolean }) {
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);

  async function run() {
    setBusy(true);
    setVerdict(null);
    try {
      setVerdict(describeLlmTest(await testLlm(), model));
    } catch (error) {
      setVerdict({ tone: "error", lines: [errorMessage(error)] });
    } finally {
      setBusy(false);
    }
  }

  const tone = verdict?.tone === "ok" ? "notice" : verdict?.tone === "warn" ? "notice notice--warn" : "form-error";
  return (
    <div class="llm-test">
      <button type="button" class="button" onClick={run} disabled={busy} aria-describedby="llm-test-hint">
        {busy ? "Testing…" : "Test connection"}
      </button>
      <p id="llm-test-hint" class="field__hint">
        {unsaved
          ? "Tests the saved settings: save your changes first."
          : "Asks the LLM server for its models; no answer is generated."}
      </p>
      <div role="status" aria-live="polite">
        {verdict && (
          <div class={tone}>
            {verdict.lines.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
