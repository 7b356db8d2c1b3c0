// First-run page: the one-time setup code from the service log, then the first admin account.
import type { ComponentType } from "preact";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { FormField, NewPasswordFields } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { MIN_PASSWORD, PASSWORD_TOO_SHORT, postSetup, USERNAME_FORM, USERNAME_RULE } from "@/features/accounts/api";
import { ApiError, formErrors } from "@/lib/api";
import { displayName, type User } from "@/lib/session";
import { type LocalRules, localErrors } from "@/lib/use-form-submit";

type Props = {
  applianceName: string;
  onSignedIn: (user: User) => void;
  /** Someone else finished setup meanwhile: the app re-reads /api/setup and shows the login page. */
  onAlreadySetUp: () => void;
  /** The second way in, restoring a backup (the system feature's form, given by the app). */
  Restore: ComponentType<{ applianceName: string; onRestored: () => void }>;
};

const FIELDS = ["setup_code", "username", "display_name", "password", "password_again"] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
const EMPTY: Values = { setup_code: "", username: "", display_name: "", password: "", password_again: "" };
const LOCAL_RULES: LocalRules<Field> = {
  required: ["setup_code", "username", "password", "password_again"],
  minLength: [["password", MIN_PASSWORD, PASSWORD_TOO_SHORT]],
  pattern: [["username", USERNAME_FORM, USERNAME_RULE]],
  same: [["password_again", "password", "The two passwords differ."]],
};

export function SetupPage({ applianceName, onSignedIn, onAlreadySetUp, Restore }: Props) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Partial<Values>>({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const { route } = useLocation();
  const toast = useToast();
  const field = (name: Field) => ({
    id: name,
    value: values[name],
    error: errors[name],
    onInput: (value: string) => setValues((all) => ({ ...all, [name]: value })),
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const found = localErrors(values, LOCAL_RULES);
    if (Object.keys(found).length > 0) {
      setErrors(found);
      setFormError("");
      return;
    }
    setBusy(true);
    try {
      const user = await postSetup({
        setup_code: values.setup_code.trim(),
        username: values.username.trim(),
        password: values.password,
        display_name: values.display_name.trim() || undefined,
      });
      toast(`Welcome, ${displayName(user)}. ${applianceName} is ready.`, "success");
      route("/", true);
      onSignedIn(user);
    } catch (error) {
      showError(error);
      setBusy(false);
    }
  }

  function showError(error: unknown) {
    const { fields, form } = formErrors(error, FIELDS);
    const code = error instanceof ApiError ? error.code : "";
    if (code === "setup_done") {
      toast(`${applianceName} is already set up. Sign in instead.`);
      onAlreadySetUp();
      return;
    }
    setErrors(code === "setup_code_invalid" ? { setup_code: form } : fields);
    setFormError(code === "setup_code_invalid" ? "" : form);
  }

  return (
    <main class="auth" id="main">
      <form class="auth__card" onSubmit={submit} noValidate>
        <h1>Set up {applianceName}</h1>
        <p class="muted">
          Create the first administrator. The setup code is printed in the service log and by{" "}
          <code>devcell setup-code</code>.
        </p>
        <FormField {...field("setup_code")} label="Setup code" autocomplete="one-time-code" required />
        <FormField {...field("username")} label="Username" autocomplete="username" required />
        <FormField {...field("display_name")} label="Display name" autocomplete="name" />
        <NewPasswordFields password={field("password")} again={field("password_again")} />
        {formError && (
          <p class="form-error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Creating…" : "Create administrator"}
        </button>
      </form>
      <Restore applianceName={applianceName} onRestored={onAlreadySetUp} />
    </main>
  );
}
