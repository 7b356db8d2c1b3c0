import { describe, expect, it } from "vitest";
import type { Setting } from "@/features/settings/api";
import { describeLlmTest } from "@/features/settings/llm-test";
import { settingLabel } from "@/features/settings/setting-field";
import { changedValues, draftOf, toValue } from "@/features/settings/settings-page";

function setting(key: string, kind: string, value: Setting["value"], extra: Partial<Setting> = {}): Setting {
  return {
    key,
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

  it("labels keys for people", () => {
    expect(settingLabel("session_idle_minutes")).toBe("Session idle minutes");
    expect(settingLabel("llm_base_url")).toBe("LLM base URL");
  });
});

describe("describeLlmTest", () => {
  const base = { ok: true, base_url: "http://llm:11434", models: ["llama3", "qwen"], took_ms: 12.4, error: null };

  it("says the model is available", () => {
    const verdict = describeLlmTest({ ...base, model_available: true }, "llama3");
    expect(verdict.tone).toBe("ok");
    expect(verdict.lines).toEqual(["Connected to http://llm:11434 in 12 ms.", 'The model "llama3" is available.']);
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
