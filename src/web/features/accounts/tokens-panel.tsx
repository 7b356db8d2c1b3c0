// Personal API tokens for scripts (Authorization: Bearer): create one (shown once), list, revoke.
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { CopyField } from "@/components/copy-field";
import { FormField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import { type ApiToken, createToken, listTokens, type NewApiToken, revokeToken } from "@/features/accounts/api";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { useFormSubmit } from "@/lib/use-form-submit";
import { useLoad } from "@/lib/use-load";

const FIELDS = ["name", "expires_in_days"] as const;

export function TokensPanel({ version }: { version: number }) {
  const tokens = useLoad(listTokens, [version]);
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const { busy, errors, setErrors, formError, run } = useFormSubmit(FIELDS);
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const confirm = useConfirm();
  const toast = useToast();

  async function create(event: SubmitEvent) {
    event.preventDefault();
    // Both checks at once: a form that stops at its first finding makes the user resend once per field.
    const found: Partial<Record<(typeof FIELDS)[number], string>> = {};
    if (!name.trim()) found.name = "Give the token a name, e.g. the script that uses it.";
    const expires = days.trim() === "" ? undefined : Number(days);
    if (expires !== undefined && !(Number.isInteger(expires) && expires >= 1 && expires <= 3650)) {
      found.expires_in_days = "Use a whole number of days from 1 to 3650, or leave it empty.";
    }
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    await run(async () => {
      setCreated(await createToken({ name: name.trim(), expires_in_days: expires }));
      setName("");
      setDays("");
      tokens.reload();
    });
  }

  async function revoke(token: ApiToken) {
    const ok = await confirm({
      title: `Revoke the token “${token.name}”?`,
      message: "Scripts that use it stop working at once. This cannot be undone.",
      confirmLabel: "Revoke token",
      danger: true,
    });
    if (!ok) return;
    try {
      await revokeToken(token.id);
      toast(`Token “${token.name}” revoked.`, "success");
      if (created?.id === token.id) setCreated(null);
    } catch (error) {
      toast(errorMessage(error), "error");
    }
    tokens.reload();
  }

  return (
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p class="muted">
        For scripts and tools: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you.
      </p>
      {created && (
        <div class="notice notice--warn" role="status">
          <p>
            <strong>Copy the new token “{created.name}” now. You will not see it again.</strong> DevCell stores only a
            hash of it.
          </p>
          <CopyField id="new-token" label="New API token" value={created.token} />
          <button type="button" class="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <form class="inline-form" onSubmit={create} noValidate aria-label="Create an API token">
        <FormField id="token-name" label="Token name" value={name} onInput={setName} error={errors.name} required />
        <FormField
          id="token-days"
          label="Expires after (days)"
          type="number"
          min={1}
          max={3650}
          value={days}
          onInput={setDays}
          error={errors.expires_in_days}
          hint="Empty: never expires."
        />
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Creating…" : "Create token"}
        </button>
      </form>
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <LoadState loaded={tokens} what="your tokens" />
      {tokens.data && tokens.data.length === 0 && <p class="muted">You have no API tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <ul class="item-list">
          {tokens.data.map((token) => (
            <li key={token.id} class="item-list__item">
              <div>
                <strong>{token.name}</strong> <code class="muted">{token.prefix}…</code>
                <p class="muted item-list__meta">
                  created {formatDateTime(token.created_at)} · last used {formatDateTime(token.last_used_at)} ·{" "}
                  {token.expires_at ? `expires ${formatDateTime(token.expires_at)}` : "never expires"}
                </p>
              </div>
              <button type="button" class="button" onClick={() => revoke(token)}>
                Revoke<span class="visually-hidden"> {token.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
