// Self-registration: open to anyone when registration is open, otherwise only with an invite link (?invite=).
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { FormField } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { register } from "@/features/accounts/api";
import { displayName, type Registration, type User } from "@/lib/session";
import { useFormSubmit } from "@/lib/use-form-submit";

type Props = { applianceName: string; registration: Registration; onSignedIn: (user: User) => void };

const FIELDS = ["username", "display_name", "password", "password_again"] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
const EMPTY: Values = { username: "", display_name: "", password: "", password_again: "" };
// The server's own words for a closed registration (accounts/_onboarding.py), shown before anyone types.
const CLOSED = "Registration is closed. Ask an administrator for an account or an invite link.";

export function RegisterPage({ applianceName, registration, onSignedIn }: Props) {
  const { query, route } = useLocation();
  const invite = query.invite?.trim() ?? "";
  const [values, setValues] = useState<Values>(EMPTY);
  const { busy, errors, setErrors, formError, setFormError, run } = useFormSubmit(FIELDS, { closes: true });
  const toast = useToast();
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

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (values.password !== values.password_again) {
      setErrors({ password_again: "The two passwords differ." });
      setFormError("");
      return;
    }
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
        <FormField
          {...field("password")}
          label="Password"
          type="password"
          autocomplete="new-password"
          hint="At least 10 characters."
          required
        />
        <FormField
          {...field("password_again")}
          label="Password again"
          type="password"
          autocomplete="new-password"
          required
        />
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
