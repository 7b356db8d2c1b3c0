// Set a new password with a one-time reset link (/reset?token=) an administrator made: the link is checked when the
// page opens; using it signs this browser in and ends the account's other sessions and API tokens.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { NewPasswordFields } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { checkReset, MIN_PASSWORD, PASSWORD_TOO_SHORT, type ResetStatus, resetWithLink } from "@/features/accounts/api";
import { LinkCheckCard } from "@/features/accounts/link-check-card";
import type { User } from "@/lib/session";
import { type LocalRules, localErrors, useFormSubmit } from "@/lib/use-form-submit";

type Props = { applianceName: string; onSignedIn: (user: User) => void };

const FIELDS = ["password", "password_again"] as const;
type Field = (typeof FIELDS)[number];
const LOCAL_RULES: LocalRules<Field> = {
  required: ["password", "password_again"],
  minLength: [["password", MIN_PASSWORD, PASSWORD_TOO_SHORT]],
  same: [["password_again", "password", "The two passwords differ."]],
};
const SPENT: Record<Exclude<ResetStatus, "valid">, string> = {
  used: "This reset link has already been used. Sign in with the password set then, or ask an administrator for a new link.",
  expired: "This reset link has expired. Ask an administrator for a new one.",
  invalid:
    "This reset link is not valid (it may have been revoked, replaced by a newer one, or copied incompletely). Ask an administrator for a new one.",
};

export function ResetPage({ applianceName, onSignedIn }: Props) {
  const { query, route } = useLocation();
  const token = query.token?.trim() ?? "";
  const [state, setState] = useState<{ status: ResetStatus | "checking"; username: string | null }>({
    status: token ? "checking" : "invalid",
    username: null,
  });
  const [values, setValues] = useState<Record<Field, string>>({ password: "", password_again: "" });
  const { busy, errors, formError, run, showLocal } = useFormSubmit(FIELDS, { closes: true });
  const toast = useToast();
  useEffect(() => {
    if (!token) return;
    let live = true;
    checkReset(token).then(
      (answer) => live && setState(answer),
      () => live && setState({ status: "valid", username: null }), // unknown: the form tries, the server decides
    );
    return () => {
      live = false;
    };
  }, [token]);

  if (state.status !== "valid") {
    const problem = state.status === "checking" ? null : SPENT[state.status];
    return <LinkCheckCard title="Set a new password" what="reset link" problem={problem} />;
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (showLocal(localErrors(values, LOCAL_RULES))) return;
    await run(async () => {
      const user = await resetWithLink(token, values.password);
      toast("Your new password is set; other sessions and API tokens of this account were ended.", "success");
      route("/", true);
      onSignedIn(user);
    });
  }

  const field = (name: Field) => ({
    id: `reset-${name}`,
    value: values[name],
    error: errors[name],
    onInput: (value: string) => setValues((all) => ({ ...all, [name]: value })),
  });
  return (
    <main class="auth" id="main">
      <form class="auth__card" onSubmit={submit} noValidate>
        <h1>Set a new password on {applianceName}</h1>
        {state.username && (
          <p class="muted">
            For the account <strong>{state.username}</strong>. The link works once.
          </p>
        )}
        <input type="text" name="username" autocomplete="username" value={state.username ?? ""} readOnly hidden />
        <NewPasswordFields label="New password" password={field("password")} again={field("password_again")} />
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Setting…" : "Set password and sign in"}
        </button>
      </form>
    </main>
  );
}
