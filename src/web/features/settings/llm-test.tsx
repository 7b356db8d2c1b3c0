// Settings -> LLM: "Test connection" asks the LLM server on screen (saved or not) for its models and their context
// (no completion is spent); the page offers those models in the llm_model field and warns when llm_context_tokens
// is larger than the model's context.
import { useState } from "preact/hooks";
import { type LlmTest, type LlmTestInput, testLlm } from "@/features/settings/api";
import type { Draft } from "@/features/settings/setting-field";
import { errorMessage } from "@/lib/api";

type Verdict = { tone: "ok" | "warn" | "error"; lines: string[] };

const SHOWN_MODELS = 8;

function text(drafts: Record<string, Draft>, key: string): string | undefined {
  const draft = drafts[key];
  return typeof draft === "string" ? draft.trim() : undefined;
}

function whole(drafts: Record<string, Draft>, key: string): number | undefined {
  const value = text(drafts, key);
  return value && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

/** The LLM values on screen as the test takes them; a number that is not a whole number is left out (the saved
 * value is tested), and a blank API key means the saved key. */
export function llmTestInput(drafts: Record<string, Draft>): LlmTestInput {
  return {
    base_url: text(drafts, "llm_base_url"),
    model: text(drafts, "llm_model"),
    api_key: text(drafts, "llm_api_key") ?? "",
    connect_timeout_seconds: whole(drafts, "llm_connect_timeout_seconds"),
    read_timeout_seconds: whole(drafts, "llm_read_timeout_seconds"),
    context_tokens: whole(drafts, "llm_context_tokens"),
  };
}

function sameServer(result: LlmTest | null, baseUrl: string): result is LlmTest {
  const strip = (url: string) => url.trim().replace(/\/+$/, "");
  return result?.ok === true && strip(result.base_url) === strip(baseUrl);
}

/** The models of the last test, when it tested the server on screen (for the llm_model field's list). */
export function offeredModels(result: LlmTest | null, baseUrl: string): string[] {
  return sameServer(result, baseUrl) ? result.models : [];
}

/** The context of the model on screen as the last test of the same server found it; null when unknown. */
export function knownContext(result: LlmTest | null, baseUrl: string, model: string): number | null {
  if (!sameServer(result, baseUrl)) return null;
  const name = model.trim();
  if ((result.model ?? "") === name && result.context_tokens) return result.context_tokens;
  return result.model_contexts?.[name] ?? null;
}

/** What an administrator reads next to llm_context_tokens when it exceeds the model's context. */
export function contextWarning(tokens: number | undefined, context: number | null, model: string, baseUrl: string) {
  if (!tokens || !context || tokens <= context) return null;
  const which = model.trim() ? `the model ${model.trim()}` : "the model";
  return (
    `llm_context_tokens is ${tokens} but ${which} at ${baseUrl.trim()} runs with a context of ${context} tokens; ` +
    `DevCell uses ${context}. Set llm_context_tokens to ${context} or start the model with a larger context.`
  );
}

/** The context warning for the values on screen, from the last test (null: none, or not known). */
export function draftContextWarning(result: LlmTest | null, drafts: Record<string, Draft>): string | null {
  const baseUrl = text(drafts, "llm_base_url") ?? "";
  const model = text(drafts, "llm_model") ?? "";
  return contextWarning(whole(drafts, "llm_context_tokens"), knownContext(result, baseUrl, model), model, baseUrl);
}

function listed(result: LlmTest): string {
  const contexts = result.model_contexts ?? {};
  const names = result.models.slice(0, SHOWN_MODELS).map((name) => {
    const context = contexts[name];
    return context ? `${name} (${context} tokens)` : name;
  });
  return (names.join(", ") || "none") + (result.models.length > SHOWN_MODELS ? ", …" : "");
}

/** Readable sentences for a test result; `model` is the model on screen when the result does not name it. */
export function describeLlmTest(result: LlmTest, model: string): Verdict {
  if (!result.ok) {
    const reason = result.error?.message ?? "The LLM server did not answer.";
    return { tone: "error", lines: [reason] };
  }
  const name = result.model || model;
  const where = `Connected to ${result.base_url} in ${Math.round(result.took_ms)} ms.`;
  if (result.model_available === null) {
    return { tone: "warn", lines: [where, `No model is set (llm_model). The server offers: ${listed(result)}.`] };
  }
  if (!result.model_available) {
    return {
      tone: "warn",
      lines: [where, `The model "${name}" is not offered by this server. It offers: ${listed(result)}.`],
    };
  }
  const lines = [where, `The model "${name}" is available.`];
  if (result.context_tokens) {
    const said = result.context_source ? ` (${result.context_source} says so)` : "";
    lines.push(`It runs with a context of ${result.context_tokens} tokens${said}.`);
  } else {
    lines.push("The server does not say the model's context; DevCell keeps to llm_context_tokens.");
  }
  if (result.context_warning) {
    lines.push(result.context_warning);
    return { tone: "warn", lines };
  }
  return { tone: "ok", lines };
}

type Props = {
  /** The LLM values on screen. */
  input: LlmTestInput;
  /** Every finished test, for the model list and the context warning. */
  onResult: (result: LlmTest) => void;
};

export function LlmTestPanel({ input, onResult }: Props) {
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);

  async function run() {
    setBusy(true);
    setVerdict(null);
    try {
      const result = await testLlm(input);
      onResult(result);
      setVerdict(describeLlmTest(result, input.model ?? ""));
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
        Tests the values on screen, saved or not: asks the LLM server for its models and their context; no answer is
        generated. A blank API key tests the saved key.
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
