// Admin -> Settings: a form generated from GET /api/settings, grouped; saves only what changed, applied live.
import { useEffect, useRef, useState } from "preact/hooks";
import { LoadState } from "@/components/load-state";
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
import { announceStatusChange } from "@/lib/status-events";
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

/** The id of a group's fieldset, for links like /admin/settings#settings-llm (the top bar's LLM chip). */
export function groupId(group: string): string {
  return `settings-${group.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-")}`;
}

/** "No unsaved changes." / "1 unsaved change." / "3 unsaved changes." */
export function unsavedText(count: number): string {
  return count === 0 ? "No unsaved changes." : count === 1 ? "1 unsaved change." : `${count} unsaved changes.`;
}

/** The outcome of the last save, shown in the save bar until the next edit or save (never next to a later one). */
type Outcome = { kind: "saved" | "failed"; text: string } | null;

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
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [llm, setLlm] = useState<LlmTest | null>(null);
  const asked = useRef(false);
  const { setApplianceName } = useSession();

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

  // A link to a group (#settings-llm from the top bar) lands on it once the form is there.
  const landed = useRef(false);
  useEffect(() => {
    if (!settings || landed.current) return;
    landed.current = true;
    const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    target?.scrollIntoView({ block: "start" });
  }, [settings]);

  /** Show fresh settings; `keep` holds unsaved edits that should survive (a reset of another field). */
  function show(fresh: Setting[], keep: Drafts = {}) {
    setSettings(fresh);
    setDrafts({ ...Object.fromEntries(fresh.map((setting) => [setting.key, draftOf(setting)])), ...keep });
    const name = fresh.find((setting) => setting.key === "appliance_name")?.value;
    if (typeof name === "string" && name) setApplianceName(name);
  }

  function edit(key: string, value: Draft) {
    setOutcome(null);
    setDrafts((all) => ({ ...all, [key]: value }));
  }

  async function save(values: Record<string, SettingValue | null>, done: string, keep: Drafts = {}) {
    setBusy(true);
    setOutcome(null);
    try {
      show(await saveSettings(values), keep);
      setErrors({});
      setOutcome({ kind: "saved", text: done });
      // The top bar's LLM chip and health badge read what was just saved (no "No LLM" until a reload).
      announceStatusChange();
    } catch (error) {
      const { fields, form } = formErrors(error, Object.keys(values));
      setErrors(fields as Record<string, string>);
      const count = Object.keys(fields).length;
      // 409 setting_locked: the environment took over since the page loaded.
      const why = error instanceof ApiError && error.status === 409 ? errorMessage(error) : form;
      const fix =
        count === 0
          ? ""
          : count === 1
            ? "one value needs fixing (marked below)."
            : `${count} values need fixing (marked below).`;
      setOutcome({ kind: "failed", text: ["Nothing was saved:", fix, why].filter(Boolean).join(" ") });
      focusFirstError(Object.keys(fields));
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
    void save({ [setting.key]: null }, `${settingLabel(setting)} is back to its default.`, keep);
  }

  function focusFirstError(keys: string[]) {
    const first = settings?.find((setting) => keys.includes(setting.key));
    if (!first) return;
    requestAnimationFrame(() => {
      const field = document.getElementById(`setting-${first.key.replaceAll("_", "-")}`);
      // Centred, not at the bottom edge where the sticky save bar would cover it.
      field?.scrollIntoView({ block: "center" });
      field?.focus({ preventScroll: true });
    });
  }

  return (
    <section class="page">
      <h1>Settings</h1>
      <p class="muted">Changes apply at once, for everyone. A setting set by an environment variable is locked here.</p>
      {/* noValidate: the server's checks and messages are the ones shown, next to each field. */}
      <form onSubmit={submit} noValidate>
        {groupsOf(settings).map(([group, items]) => (
          <fieldset key={group} id={groupId(group)} class="card settings-group">
            <legend>{group}</legend>
            {items.map((setting) => (
              <SettingField
                key={setting.key}
                setting={setting}
                draft={drafts[setting.key] ?? draftOf(setting)}
                onDraft={(value) => edit(setting.key, value)}
                error={errors[setting.key]}
                busy={busy}
                onReset={() => resetToDefault(setting)}
                suggestions={setting.key === "llm_model" && models.length > 0 ? MODEL_LIST : undefined}
                warning={setting.key === "llm_context_tokens" ? contextWarning : null}
              />
            ))}
            {group === "LLM" && <LlmTestPanel input={llmTestInput(drafts)} onResult={setLlm} />}
          </fieldset>
        ))}
        <datalist id={MODEL_LIST}>
          {models.map((model) => (
            <option key={model} value={model} />
          ))}
        </datalist>
        {/* Sticky: the one Save button is in view wherever the changed value is (the page is ~6,000 px long). */}
        <section class="save-bar" aria-label="Save settings">
          {outcome ? (
            <p
              class={`save-bar__status save-bar__status--${outcome.kind}`}
              role={outcome.kind === "failed" ? "alert" : "status"}
            >
              {outcome.text}
            </p>
          ) : (
            <p class="save-bar__status muted" role="status">
              {unsavedText(count)}
            </p>
          )}
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
              setOutcome(null);
            }}
          >
            Discard changes
          </button>
        </section>
      </form>
    </section>
  );
}
