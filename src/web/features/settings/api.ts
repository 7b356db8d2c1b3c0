// Calls to the settings slice (administrators): every runtime setting, and saving changed values.
import { request } from "@/lib/api";
import type * as Api from "@/lib/api-types";

export type SettingValue = string | number | boolean;
export type SettingKind = "str" | "int" | "bool" | "choice" | "url" | "timezone" | "secret";
export type SettingSource = "default" | "saved" | "environment";

export type Setting = {
  key: string;
  /** What people read ("PDF page limit"); the key is shown small beside it. */
  label: string;
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

/** The LLM values on screen for "Test connection", saved or not; left out: the saved value. A blank api_key is the
 * saved key (it is never sent back, so the form cannot show it). */
export type LlmTestInput = Api.LLMTestIn;

/** The outcome of POST /api/settings/llm/test: GET /v1/models on the values on screen (no completion spent), the
 * models, and the model's context as its server says it (context_tokens null: it does not say). */
export type LlmTest = Api.LLMTestOut;

export function testLlm(input: LlmTestInput = {}): Promise<LlmTest> {
  return request<LlmTest>("POST", "/api/settings/llm/test", { body: input });
}
