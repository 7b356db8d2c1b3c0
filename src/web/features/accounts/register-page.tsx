// Self-registration: open to anyone when registration is open, otherwise only with an invite link (?invite=).
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { FormField, NewPasswordFields } from "@/components/form-field";
import { useToast } from "@/components/toast";
import {
  checkInvite,
  type InviteStatus,
  MIN_PASSWORD,
  PASSWORD_TOO_SHORT,
  register,
  USERNAME_FORM,
  USERNAME_RULE,
} from "@/features/accounts/api";
import { LinkCheckCard } from "@/features/accounts/link-check-card";
import { displayName, type Registration, type User } from "@/lib/session";
import { type LocalRules, localErrors, useFormSubmit } from "@/lib/use-form-submit";

type Props = { applianceName: string; registration: Registration; onSignedIn: (user: User) => void };

const FIELDS = ["username", "display_name", "password", "password_again"] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
const EMPTY: Values = { username: "", display_name: "", password: "", password_again: "" };
const LOCAL_RULES: LocalRules<Field> = {
  required: ["username", "password", "password_again"],
  minLength: [["password", MIN_PASSWORD, PASSWORD_TOO_SHORT]],
  pattern: [["username", USERNAME_FORM, USERNAME_RULE]],
  same: [["password_again", "password", "The two passwords differ."]],
};
// The server's own words for a closed registration (accounts/_onboarding.py), shown before anyone types.
const CLOSED = "Registration is closed. Ask an administrator for an account or an invite link.";
// Why an invite link no longer works, said when the page opens rather than after the form is filled in.
const SPENT: Partial<Record<InviteStatus, string>> = {
  used: "This invite link has already been used. Ask an administrator for a new one, or sign in if the account is yours.",
  expired: "This invite link has expired. Ask an administrator for a new one.",
  invalid:
    "This invite link is not valid (it may have been revoked or copied incompletely). Ask an administrator for a new one.",
};

export function RegisterPage({ applianceName, registration, onSignedIn }: Props) {
  const { query, route } = useLocation();
  const invite = query.invite?.trim() ?? "";
  const [values, setValues] = useState<Values>(EMPTY);
  const { busy, errors, formError, run, showLocal } = useFormSubmit(FIELDS, { closes: true });
  const toast = useToast();
  // "checking" until the server answers; a failed check leaves the form (registering checks the link again).
  const [inviteStatus, setInviteStatus] = useState<InviteStatus | "checking" | "unknown">(
    invite ? "checking" : "unknown",
  );
  useEffect(() => {
    if (!invite || registration === "closed") return;
    let live = true;
    checkInvite(invite).then(
      (status) => live && setInviteStatus(status),
      () => live && setInviteStatus("unknown"),
    );
    return () => {
      live = false;
    };
  }, [invite, registration]);
  const field = (name: Field) => ({
    id: name,
    value: values[name],
    error: errors[name],
    onInput: (value: string) => setValues((all) => ({ ...all, [name]: value })),
  });

  if (registration === "closed" || (registration === "invite" && !invite)) {
    return (
      <main class="auth" id="main">
        <div class="auth__card">
          <h1>Create an account</h1>
          <p role="alert">{CLOSED}</p>
          <p>
            <a href="/login">Back to sign-in</a>
          </p>
        </div>
      </main>
    );
  }

  const spent = SPENT[inviteStatus as InviteStatus];
  if (inviteStatus === "checking" || spent) {
    return <LinkCheckCard title="Create an account" what="invite link" problem={spent ?? null} />;
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (showLocal(localErrors(values, LOCAL_RULES))) return;
    // registration_closed and invite_invalid carry the server's readable message (shown as the form's error)
    await run(async () => {
      const user = await register({
        username: values.username.trim(),
        password: values.password,
        display_name: values.display_name.trim() || undefined,
        invite: invite || undefined,
      });
      toast(`Welcome to ${applianceName}, ${displayName(user)}.`, "success");
      route("/", true);
      onSignedIn(user);
    });
  }

  return (
    <main class="auth" id="main">
      <form class="auth__card" onSubmit={submit} noValidate>
        <h1>Create an account on {applianceName}</h1>
        {invite && <p class="muted">You were invited. The invite link works once.</p>}
        <FormField
          {...field("username")}
          label="Username"
          autocomplete="username"
          hint="3–32 characters: letters, digits, dot, dash or underscore."
          required
        />
        <FormField {...field("display_name")} label="Display name" autocomplete="name" />
        <NewPasswordFields password={field("password")} again={field("password_again")} />
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Creating…" : "Create account"}
        </button>
        <p class="muted">
          Already have an account? <a href="/login">Sign in</a>
        </p>
      </form>
    </main>
  );
}
