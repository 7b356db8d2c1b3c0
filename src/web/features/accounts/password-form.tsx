// Change the own password; the server signs out every other session of the user and, if ticked, revokes every
// API token.
import { useState } from "preact/hooks";
import { FormField } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { changePassword, MIN_PASSWORD, PASSWORD_TOO_SHORT } from "@/features/accounts/api";
import { RevokeTokensCheckbox } from "@/features/accounts/revoke-tokens-checkbox";
import { useSession } from "@/lib/session";
import { type LocalRules, localErrors, useFormSubmit } from "@/lib/use-form-submit";

const FIELDS = ["current_password", "new_password", "new_password_again"] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
const EMPTY: Values = { current_password: "", new_password: "", new_password_again: "" };
const LOCAL_RULES: LocalRules<Field> = {
  required: FIELDS,
  minLength: [["new_password", MIN_PASSWORD, PASSWORD_TOO_SHORT]],
  same: [["new_password_again", "new_password", "The two new passwords differ."]],
};

export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [done, setDone] = useState(false);
  const { busy, errors, formError, run, showLocal } = useFormSubmit(FIELDS);
  const [revokeTokens, setRevokeTokens] = useState(true);
  const toast = useToast();
  const { user } = useSession();
  const field = (name: Field) => ({
    id: name.replaceAll("_", "-"),
    value: values[name],
    error: errors[name],
    required: true,
    type: "password" as const,
    onInput: (value: string) => {
      setDone(false);
      setValues((all) => ({ ...all, [name]: value }));
    },
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (showLocal(localErrors(values, LOCAL_RULES))) return;
    await run(async () => {
      await changePassword(values.current_password, values.new_password, revokeTokens);
      setValues(EMPTY);
      setDone(true);
      toast(
        revokeTokens
          ? "Password changed. Your other sessions were signed out and your API tokens revoked."
          : "Password changed. Your other sessions were signed out.",
        "success",
      );
      onChanged();
    });
  }

  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      {/* Lets password managers file the new password under the right account. */}
      <input type="text" name="username" autocomplete="username" value={user.username} readOnly hidden />
      <FormField {...field("current_password")} label="Current password" autocomplete="current-password" />
      <FormField
        {...field("new_password")}
        label="New password"
        autocomplete="new-password"
        hint="At least 10 characters. Changing it signs out your other sessions."
      />
      <FormField {...field("new_password_again")} label="New password again" autocomplete="new-password" />
      <RevokeTokensCheckbox id="password-revoke-tokens" checked={revokeTokens} onChange={setRevokeTokens} />
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      {done && (
        <p class="form-success" role="status">
          Password changed. Every other session of yours was signed out; this one stays signed in.
          {revokeTokens ? " Your API tokens were revoked." : ""}
        </p>
      )}
      <button type="submit" class="button button--primary" disabled={busy}>
        {busy ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
