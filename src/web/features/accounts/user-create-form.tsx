// Create a user (administrators): name, password and role; the rest of the profile can follow later.
import { useState } from "preact/hooks";
import { FormField, SelectField } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { createUser } from "@/features/accounts/users-api";
import type { Role, User } from "@/lib/session";
import { useFormSubmit } from "@/lib/use-form-submit";

const FIELDS = ["username", "display_name", "password", "role", "team", "job_title"] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
const EMPTY: Values = { username: "", display_name: "", password: "", role: "user", team: "", job_title: "" };
export const ROLE_CHOICES = [
  { value: "user", label: "User" },
  { value: "admin", label: "Administrator" },
];

export function UserCreateForm({ onCreated }: { onCreated: (user: User) => void }) {
  const [values, setValues] = useState<Values>(EMPTY);
  const { busy, errors, formError, run } = useFormSubmit(FIELDS, { closes: true });
  const toast = useToast();
  const field = (name: Field) => ({
    id: `new-user-${name.replace("_", "-")}`,
    value: values[name],
    error: errors[name],
    onInput: (value: string) => setValues((all) => ({ ...all, [name]: value })),
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    await run(async () => {
      const user = await createUser({
        username: values.username.trim(),
        password: values.password,
        role: values.role as Role,
        display_name: values.display_name.trim(),
        team: values.team.trim(),
        job_title: values.job_title.trim(),
      });
      toast(`User ${user.username} created. Give them the password on a safe channel.`, "success");
      onCreated(user);
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <div class="grid-2">
        <FormField
          {...field("username")}
          label="Username"
          autocomplete="off"
          hint="3–32 characters: letters, digits, dot, dash or underscore."
          required
        />
        <FormField {...field("display_name")} label="Display name" autocomplete="off" />
        <FormField
          {...field("password")}
          label="Password"
          type="password"
          autocomplete="new-password"
          hint="At least 10 characters. The user can change it on their profile."
          required
        />
        <SelectField
          id="new-user-role"
          label="Role"
          value={values.role}
          error={errors.role}
          options={ROLE_CHOICES}
          onChange={(role) => setValues((all) => ({ ...all, role }))}
        />
        <FormField {...field("team")} label="Team" autocomplete="off" />
        <FormField {...field("job_title")} label="Job title" autocomplete="off" />
      </div>
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <div class="dialog__actions">
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}
