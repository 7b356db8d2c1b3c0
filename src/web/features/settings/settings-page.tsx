// Admin -> Settings: a form generated from GET /api/settings, grouped; saves only what changed, applied live.
import { useEffect, useRef, useState } from "preact/hooks";
import { LoadState } from "@/components/load-state";
import { TimeZoneList } from "@/components/time-zone-list";
import { useToast } from "@/components/toast";
import {
  getSettings,
  type LlmTest,
  type Setting,
  type SettingValue,
  saveSettings,
  testLlm,
} from "@/features/settings/api";
import { draftContextWarning, LlmTestPanel, llmTestInput, offeredModels } from "@/features/settings/llm-test";
import { type Draft, SettingField, settingLabel } from "@/features/settings/setting-field";
import { ApiError, errorMessage, formErrors } from "@/lib/api";
import { useSession } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

type Drafts = Record<string, Draft>;

/** What the form shows for a saved setting; secrets start empty (write-only). */
export function draftOf(setting: Setting): Draft {
  if (setting.kind === "bool") return setting.value === true;
  if (setting.secret || setting.value === null) return "";
  return String(setting.value);
}

/** The value to send for a draft; a whole number for int settings when it is one (else the server explains). */
export function toValue(setting: Setting, draft: Draft): SettingValue {
  if (setting.kind !== "int" || typeof draft !== "string") return draft;
  const text = draft.trim();
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** Keys whose draft differs from the saved value; locked settings and untouched secrets are left out. */
export function changedValues(settings: readonly Setting[], drafts: Drafts): Record<string, SettingValue> {
  const changed: Record<string, SettingValue> = {};
  for (const setting of settings) {
    const draft = drafts[setting.key];
    if (setting.locked || draft === undefined) continue;
    if (setting.secret ? draft !== "" : draft !== draftOf(setting)) changed[setting.key] = toValue(setting, draft);
  }
  return changed;
}

const MODEL_LIST = "settings-llm-models";

function groupsOf(settings: readonly Setting[]): [string, Setting[]][] {
  const groups = new Map<string, Setting[]>();
  for (const setting of settings) groups.set(setting.group, [...(groups.get(setting.group) ?? []), setting]);
  return [...groups];
}

export function SettingsPage() {
  const loaded = useLoad(getSettings, []);
  const [settings, setSettings] = useState<Setting[] | null>(null);
  const [drafts, setDrafts] = useState<Drafts>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const [llm, setLlm] = useState<LlmTest | null>(null);
  const asked = useRef(false);
  const { setApplianceName } = useSession();
  const toast = useToast();

  useEffect(() => {
    if (loaded.state === "ready") show(loaded.data);
  }, [loaded.state, loaded.data]);

  // With a saved LLM server, ask it once for its models and their context: the model list and the context warning
  // are there without pressing "Test connection" (a failure says nothing here; the test says it).
  useEffect(() => {
    if (loaded.state !== "ready" || asked.current) return;
    asked.current = true;
    const baseUrl = loaded.data.find((setting) => setting.key === "llm_base_url")?.value;
    if (typeof baseUrl === "string" && baseUrl) testLlm().then(setLlm, () => undefined);
  }, [loaded.state, loaded.data]);

  /** Show fresh settings; `keep` holds unsaved edits that should survive (a reset of another field). */
  function show(fresh: Setting[], keep: Drafts = {}) {
    setSettings(fresh);
    setDrafts({ ...Object.fromEntries(fresh.map((setting) => [setting.key, draftOf(setting)])), ...keep });
    const name = fresh.find((setting) => setting.key === "appliance_name")?.value;
    if (typeof name === "string" && name) setApplianceName(name);
  }

  async function save(values: Record<string, SettingValue | null>, done: string, keep: Drafts = {}) {
    setBusy(true);
    try {
      show(await saveSettings(values), keep);
      setErrors({});
      setFormError("");
      toast(done, "success");
    } catch (error) {
      const { fields, form } = formErrors(error, Object.keys(values));
      setErrors(fields as Record<string, string>);
      // 409 setting_locked: the environment took over since the page loaded.
      setFormError(error instanceof ApiError && error.status === 409 ? errorMessage(error) : form);
      if (form || Object.keys(fields).length === 0) toast("Nothing was saved.", "error");
    } finally {
      setBusy(false);
    }
  }

  if (!settings) {
    return (
      <section class="page">
        <h1>Settings</h1>
        <LoadState loaded={loaded} what="the settings" />
      </section>
    );
  }

  const changed = changedValues(settings, drafts);
  const count = Object.keys(changed).length;
  const models = offeredModels(llm, String(drafts.llm_base_url ?? ""));
  const contextWarning = draftContextWarning(llm, drafts);

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (count === 0) return;
    void save(changed, count === 1 ? "Setting saved." : `${count} settings saved.`);
  }

  function resetToDefault(setting: Setting) {
    const keep: Drafts = {};
    for (const key of Object.keys(changed)) {
      const draft = drafts[key];
      if (key !== setting.key && draft !== undefined) keep[key] = draft;
    }
    void save({ [setting.key]: null }, `${settingLabel(setting.key)} is back to its default.`, keep);
  }

  return (
    <section class="page">
      <h1>Settings</h1>
      <p class="muted">Changes apply at once, for everyone. A setting set by an environment variable is locked here.</p>
      {/* noValidate: the server's checks and messages are the ones shown, next to each field. */}
      <form onSubmit={submit} noValidate>
        {groupsOf(settings).map(([group, items]) => (
          <fieldset key={group} class="card settings-group">
            <legend>{group}</legend>
            {items.map((setting) => (
              <SettingField
                key={setting.key}
                setting={setting}
                draft={drafts[setting.key] ?? draftOf(setting)}
                onDraft={(value) => setDrafts((all) => ({ ...all, [setting.key]: value }))}
                error={errors[setting.key]}
                busy={busy}
                timeZoneList="settings-zones"
                onReset={() => resetToDefault(setting)}
                suggestions={setting.key === "llm_model" && models.length > 0 ? MODEL_LIST : undefined}
                warning={setting.key === "llm_context_tokens" ? contextWarning : null}
              />
            ))}
            {group === "LLM" && <LlmTestPanel input={llmTestInput(drafts)} onResult={setLlm} />}
          </fieldset>
        ))}
        <TimeZoneList id="settings-zones" />
        <datalist id={MODEL_LIST}>
          {models.map((model) => (
            <option key={model} value={model} />
          ))}
        </datalist>
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        {Object.keys(errors).length > 0 && (
          <p class="form-error" role="alert">
            Nothing was saved: {Object.keys(errors).length === 1 ? "one value needs" : "some values need"} fixing.
          </p>
        )}
        <div class="form-actions">
          <button type="submit" class="button button--primary" disabled={busy || count === 0}>
            {busy ? "Saving…" : "Save changes"}
          </button>
          <button
            type="button"
            class="button"
            disabled={busy || count === 0}
            onClick={() => {
              show(settings);
              setErrors({});
              setFormError("");
            }}
          >
            Discard changes
          </button>
          <span class="muted" role="status">
            {count === 0 ? "No unsaved changes." : count === 1 ? "1 unsaved change." : `${count} unsaved changes.`}
          </span>
        </div>
      </form>
    </section>
  );
}
