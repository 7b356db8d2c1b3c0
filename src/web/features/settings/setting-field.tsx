// One runtime setting in the form: its control by kind, where its value comes from, and its errors.
import type { TargetedEvent } from "preact";
import { fieldAria } from "@/components/form-field";
import { TimeZonePicker } from "@/components/time-zone-list";
import type { Setting } from "@/features/settings/api";

export type Draft = string | boolean;

type Props = {
  setting: Setting;
  draft: Draft;
  onDraft: (value: Draft) => void;
  /** The server's answer for this key after a failed save. */
  error: string | undefined;
  onReset: () => void;
  busy: boolean;
  /** A <datalist> of values to offer while still taking free text (the LLM server's models for llm_model). */
  suggestions?: string;
  /** A warning about the value on screen (llm_context_tokens larger than the model's context). */
  warning?: string | null;
};

const SOURCE_LABEL = { default: "Default", saved: "Saved", environment: "Environment, locked" } as const;

/** What people read: the label the server defines with the setting ("PDF page limit"); the key re-cased for a
 * server that sends none ("session_idle_minutes" -> "Session idle minutes"). */
export function settingLabel(setting: Pick<Setting, "key"> & { label?: string }): string {
  if (setting.label) return setting.label;
  const words = setting.key.replaceAll("_", " ").replace(/\b(llm|url|api)\b/g, (word) => word.toUpperCase());
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function SettingField(props: Props) {
  const { setting, draft, onDraft, error, onReset, busy, suggestions, warning } = props;
  const id = `setting-${setting.key.replaceAll("_", "-")}`;
  const hint = setting.help;
  const problem = error ?? setting.error ?? undefined;
  return (
    <div class={setting.locked ? "setting setting--locked" : "setting"} data-setting={setting.key}>
      <div class="setting__head">
        <label for={id}>{settingLabel(setting)}</label>
        <code class="setting__key">{setting.key}</code>
        <span class={`badge badge--${setting.source === "environment" ? "warn" : "muted"} setting__source`}>
          {SOURCE_LABEL[setting.source]}
        </span>
        {setting.changed && <span class="badge badge--accent">Changed from default</span>}
      </div>
      <p id={`${id}-hint`} class="field__hint">
        {hint}
        {setting.restart_required && " Takes effect after a restart."}
      </p>
      <SettingControl id={id} setting={setting} draft={draft} onDraft={onDraft} error={problem} list={suggestions} />
      {warning && (
        <p id={`${id}-warning`} class="notice notice--warn">
          {warning}
        </p>
      )}
      {setting.locked ? (
        <p class="setting__note">
          Set by the environment variable <code>{setting.env_name}</code>. Change it in the service's environment file
          (/etc/devcell/devcell.env) and restart.
        </p>
      ) : (
        <p class="setting__note">
          <span class="muted">
            {setting.secret ? (setting.is_set ? "A value is set." : "Not set.") : `Default: ${showDefault(setting)}.`}{" "}
            Environment variable: <code>{setting.env_name}</code>.
          </span>{" "}
          {setting.source === "saved" && (
            <button type="button" class="link-button" onClick={onReset} disabled={busy}>
              Reset to default<span class="visually-hidden"> ({settingLabel(setting)})</span>
            </button>
          )}
        </p>
      )}
      {problem && (
        <p id={`${id}-error`} class="field__error">
          {problem}
        </p>
      )}
    </div>
  );
}

function showDefault(setting: Setting): string {
  if (setting.default === "" || setting.default === null) return "empty";
  if (typeof setting.default === "boolean") return setting.default ? "on" : "off";
  return String(setting.default);
}

type ControlProps = {
  id: string;
  setting: Setting;
  draft: Draft;
  onDraft: (value: Draft) => void;
  error: string | undefined;
  /** The id of a <datalist> to offer (text settings). */
  list: string | undefined;
};

function SettingControl({ id, setting, draft, onDraft, error, list }: ControlProps) {
  const common = {
    id,
    name: setting.key,
    disabled: setting.locked,
    ...fieldAria(id, true, error),
  };
  const onText = (event: TargetedEvent<HTMLInputElement>) => onDraft(event.currentTarget.value);
  const text = typeof draft === "string" ? draft : "";
  if (setting.kind === "bool") {
    return (
      <label class="checkbox">
        <input
          type="checkbox"
          {...common}
          checked={draft === true}
          onChange={(event) => onDraft(event.currentTarget.checked)}
        />
        <span>On</span>
      </label>
    );
  }
  if (setting.kind === "choice") {
    return (
      <select {...common} value={text} onChange={(event) => onDraft(event.currentTarget.value)}>
        {setting.choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  }
  if (setting.kind === "int") {
    return (
      <input
        type="number"
        {...common}
        step={1}
        min={setting.minimum ?? undefined}
        max={setting.maximum ?? undefined}
        value={text}
        onInput={onText}
      />
    );
  }
  if (setting.secret) {
    return (
      <input
        type="password"
        {...common}
        autocomplete="new-password"
        placeholder={setting.is_set ? "Set; type a new value to replace it" : "Not set"}
        value={text}
        onInput={onText}
      />
    );
  }
  if (setting.kind === "timezone") {
    return <TimeZonePicker {...common} value={text} onChange={onDraft} />;
  }
  if (setting.kind === "url") {
    return <input type="url" {...common} inputMode="url" spellcheck={false} value={text} onInput={onText} />;
  }
  return <input type="text" {...common} list={list} autocomplete="off" value={text} onInput={onText} />;
}
