// Calls to the settings slice (administrators): every runtime setting, and saving changed values.
import { request } from "@/lib/api";

export type SettingValue = string | number | boolean;
export type SettingKind = "str" | "int" | "bool" | "choice" | "url" | "timezone" | "secret";
export type SettingSource = "default" | "saved" | "environment";

export type Setting = {
  key: string;
  group: string;
  kind: SettingKind | string;
  help: string;
  /** null for secrets: they are never sent back. */
  value: SettingValue | null;
  default: SettingValue | null;
  source: SettingSource;
  /** Set by an environment variable; cannot be changed here. */
  locked: boolean;
  changed: boolean;
  restart_required: boolean;
  env_name: string;
  choices: string[];
  minimum: number | null;
  maximum: number | null;
  secret: boolean;
  /** For secrets: whether a value is set. */
  is_set: boolean;
  /** An ignored, invalid environment value. */
  error: string | null;
};

export async function getSettings(): Promise<Setting[]> {
  return (await request<{ items: Setting[] }>("GET", "/api/settings")).items;
}

/** Validated all together (422 with one error per key, nothing saved) and applied live; null resets a key. */
export async function saveSettings(values: Record<string, SettingValue | null>): Promise<Setting[]> {
  return (await request<{ items: Setting[] }>("PATCH", "/api/settings", { body: { values } })).items;
}

/** The outcome of POST /api/settings/llm/test: GET /v1/models on the saved LLM settings (no completion spent). */
export type LlmTest = {
  ok: boolean;
  base_url: string;
  models: string[];
  /** null when no model is set. */
  model_available: boolean | null;
  took_ms: number;
  error: { code: string; message: string } | null;
};

export function testLlm(): Promise<LlmTest> {
  return request<LlmTest>("POST", "/api/settings/llm/test", { body: {} });
}
