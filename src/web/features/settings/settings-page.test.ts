import { describe, expect, it } from "vitest";
import type { LlmTest, Setting } from "@/features/settings/api";
import {
  contextWarning,
  describeLlmTest,
  draftContextWarning,
  knownContext,
  llmTestInput,
  offeredModels,
} from "@/features/settings/llm-test";
import { settingLabel } from "@/features/settings/setting-field";
import { changedValues, draftOf, groupId, toValue, unsavedText } from "@/features/settings/settings-page";

function setting(key: string, kind: string, value: Setting["value"], extra: Partial<Setting> = {}): Setting {
  return {
    key,
    label: "",
    group: "General",
    kind,
    help: "",
    value,
    default: value,
    source: "default",
    locked: false,
    changed: false,
    restart_required: false,
    env_name: `DEVCELL_${key.toUpperCase()}`,
    choices: [],
    minimum: null,
    maximum: null,
    secret: kind === "secret",
    is_set: false,
    error: null,
    ...extra,
  };
}

const SETTINGS = [
  setting("appliance_name", "str", "DevCell"),
  setting("session_idle_minutes", "int", 1440),
  setting("registration", "choice", "closed", { locked: true, source: "environment" }),
  setting("llm_api_key", "secret", null, { is_set: true }),
  setting("debug", "bool", false),
];

describe("the settings form", () => {
  it("starts from the saved values, with secrets empty", () => {
    expect(SETTINGS.map(draftOf)).toEqual(["DevCell", "1440", "closed", "", false]);
  });

  it("sends only what changed, never locked settings or untouched secrets", () => {
    const drafts = {
      appliance_name: "DevCell",
      session_idle_minutes: "60",
      registration: "open",
      llm_api_key: "",
      debug: true,
    };
    expect(changedValues(SETTINGS, drafts)).toEqual({ session_idle_minutes: 60, debug: true });
    expect(changedValues(SETTINGS, { ...drafts, llm_api_key: "sk-1" })).toMatchObject({ llm_api_key: "sk-1" });
  });

  it("sends whole numbers as numbers and anything else as typed, for the server to explain", () => {
    const minutes = SETTINGS[1] as Setting;
    expect(toValue(minutes, " 30 ")).toBe(30);
    expect(toValue(minutes, "")).toBe("");
    expect(toValue(minutes, "1.5")).toBe("1.5");
  });

  it("shows the server's label, and the key re-cased when there is none", () => {
    expect(settingLabel({ key: "pdf_max_pages", label: "PDF page limit" })).toBe("PDF page limit");
    expect(settingLabel({ key: "session_idle_minutes" })).toBe("Session idle minutes");
    expect(settingLabel({ key: "llm_base_url", label: "" })).toBe("LLM base URL");
  });

  it("links each group by id and counts unsaved changes in words", () => {
    expect(groupId("LLM")).toBe("settings-llm");
    expect(unsavedText(0)).toBe("No unsaved changes.");
    expect(unsavedText(1)).toBe("1 unsaved change.");
    expect(unsavedText(3)).toBe("3 unsaved changes.");
  });
});

describe("describeLlmTest", () => {
  const base = { ok: true, base_url: "http://llm:11434", models: ["llama3", "qwen"], took_ms: 12.4, error: null };

  it("says the model is available", () => {
    const verdict = describeLlmTest({ ...base, model_available: true }, "llama3");
    expect(verdict.tone).toBe("ok");
    expect(verdict.lines).toEqual([
      "Connected to http://llm:11434 in 12 ms.",
      'The model "llama3" is available.',
      "The server does not say the model's context; DevCell keeps to llm_context_tokens.",
    ]);
  });

  it("says the model's context and which API said it", () => {
    const result = { ...base, model: "llama3", model_available: true, context_tokens: 2048 };
    const verdict = describeLlmTest({ ...result, context_source: "llama.cpp /props" }, "");
    expect(verdict.tone).toBe("ok");
    expect(verdict.lines[1]).toBe('The model "llama3" is available.');
    expect(verdict.lines[2]).toBe("It runs with a context of 2048 tokens (llama.cpp /props says so).");
  });

  it("warns when llm_context_tokens exceeds the context", () => {
    const context_warning = "llm_context_tokens is 3000 but the model llama3 at http://llm:11434 runs with …";
    const verdict = describeLlmTest({ ...base, model_available: true, context_tokens: 2048, context_warning }, "x");
    expect(verdict.tone).toBe("warn");
    expect(verdict.lines.at(-1)).toBe(context_warning);
  });

  it("lists the offered models with their context where the server says it", () => {
    const result = { ...base, model_available: false, model_contexts: { qwen: 32768 } };
    expect(describeLlmTest(result, "mistral").lines[1]).toBe(
      'The model "mistral" is not offered by this server. It offers: llama3, qwen (32768 tokens).',
    );
  });

  it("names what the server offers when the model is missing or unset", () => {
    expect(describeLlmTest({ ...base, model_available: false }, "mistral").lines[1]).toBe(
      'The model "mistral" is not offered by this server. It offers: llama3, qwen.',
    );
    expect(describeLlmTest({ ...base, model_available: null }, "").tone).toBe("warn");
  });

  it("shows the server's error message", () => {
    const error = { code: "llm_unavailable", message: "The LLM server at http://llm:11434 cannot be reached." };
    const verdict = describeLlmTest({ ...base, ok: false, models: [], model_available: null, error }, "x");
    expect(verdict).toEqual({ tone: "error", lines: [error.message] });
  });
});

describe("the LLM values on screen", () => {
  const drafts = {
    llm_base_url: " http://llm:8080/ ",
    llm_model: "smollm",
    llm_api_key: "",
    llm_connect_timeout_seconds: "5",
    llm_read_timeout_seconds: "soon",
    llm_context_tokens: "3000",
    debug: true,
  };
  const tested: LlmTest = {
    ok: true,
    base_url: "http://llm:8080",
    model: "smollm",
    models: ["smollm", "qwen"],
    model_available: true,
    took_ms: 3,
    context_tokens: 2048,
    context_source: "llama.cpp /props",
    model_contexts: { smollm: 2048, qwen: 32768 },
    context_warning: null,
  };

  it("are what the test sends: unsaved drafts, whole numbers only, a blank key for the saved one", () => {
    expect(llmTestInput(drafts)).toEqual({
      base_url: "http://llm:8080/",
      model: "smollm",
      api_key: "",
      connect_timeout_seconds: 5,
      read_timeout_seconds: undefined,
      context_tokens: 3000,
    });
  });

  it("offer the tested server's models, and only for that server", () => {
    expect(offeredModels(tested, "http://llm:8080/")).toEqual(["smollm", "qwen"]);
    expect(offeredModels(tested, "http://other:8080")).toEqual([]);
    expect(offeredModels({ ...tested, ok: false }, "http://llm:8080")).toEqual([]);
    expect(offeredModels(null, "http://llm:8080")).toEqual([]);
  });

  it("know the context of the model on screen, from the test or the server's list", () => {
    expect(knownContext(tested, "http://llm:8080", "smollm")).toBe(2048);
    expect(knownContext(tested, "http://llm:8080", "qwen")).toBe(32768);
    expect(knownContext(tested, "http://llm:8080", "mistral")).toBeNull();
    expect(knownContext(tested, "http://other", "smollm")).toBeNull();
  });

  it("warn in words when llm_context_tokens exceeds the model's context", () => {
    expect(draftContextWarning(tested, drafts)).toBe(
      "llm_context_tokens is 3000 but the model smollm at http://llm:8080/ runs with a context of 2048 tokens; " +
        "DevCell uses 2048. Set llm_context_tokens to 2048 or start the model with a larger context.",
    );
    expect(draftContextWarning(tested, { ...drafts, llm_context_tokens: "2048" })).toBeNull();
    expect(draftContextWarning(tested, { ...drafts, llm_model: "qwen" })).toBeNull();
    expect(draftContextWarning(null, drafts)).toBeNull();
    expect(contextWarning(3000, null, "smollm", "http://llm")).toBeNull();
    expect(contextWarning(3000, 1024, "", "http://llm")).toContain("but the model at http://llm runs");
  });
});
