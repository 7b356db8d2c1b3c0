// Edit one user (administrators): profile and role, reset link, password reset, deactivate/reactivate, delete.
import { useEffect, useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { Dialog } from "@/components/dialog";
import { FormField, SelectField } from "@/components/form-field";
import { useToast } from "@/components/toast";
import { PROFILE_FIELDS } from "@/features/accounts/api";
import { changedFields, ProfileInputs, type ProfileValues, profileValues } from "@/features/accounts/profile-form";
import { ResetLinkSection } from "@/features/accounts/reset-link-section";
import { ROLE_CHOICES } from "@/features/accounts/user-create-form";
import { deleteUser, listUsers, resetPassword, type UserPatch, updateUser } from "@/features/accounts/users-api";
import { ApiError, errorMessage, formErrors } from "@/lib/api";
import { type Role, type User, useSession } from "@/lib/session";

// The rule for an admin's password reset and deactivation (server: service.reset_password, admin_update_user).
const SIGNS_OUT = "This also signs them out everywhere and revokes their API tokens.";

type Props = {
  user: User;
  onChanged: (user: User) => void;
  onDeleted: () => void;
  onClose: () => void;
};

export function UserEditor({ user, onChanged, onDeleted, onClose }: Props) {
  const session = useSession();
  const isSelf = session.user.id === user.id;
  const changed = (updated: User) => {
    if (isSelf) session.setUser(updated);
    onChanged(updated);
  };
  return (
    <Dialog title={`Edit ${user.username}`} onClose={onClose} wide>
      <p class="muted">
        {user.active ? "Active" : "Deactivated"} · {user.role === "admin" ? "administrator" : "user"}
        {isSelf ? " · this is you" : ""}
      </p>
      <DetailsForm key={user.id} user={user} onChanged={changed} />
      <ResetLinkSection key={`reset-${user.id}`} user={user} />
      <PasswordReset user={user} />
      <AccountActions user={user} isSelf={isSelf} onChanged={changed} onDeleted={onDeleted} />
    </Dialog>
  );
}

function DetailsForm({ user, onChanged }: { user: User; onChanged: (user: User) => void }) {
  const [values, setValues] = useState<ProfileValues>(() => profileValues(user));
  const [role, setRole] = useState<Role>(user.role);
  const [errors, setErrors] = useState<Partial<ProfileValues> & { role?: string }>({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const patch: UserPatch = changedFields(profileValues(user), values);
  if (role !== user.role) patch.role = role;
  const dirty = Object.keys(patch).length > 0;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!dirty) return;
    setBusy(true);
    try {
      const updated = await updateUser(user.id, patch);
      setValues(profileValues(updated));
      setErrors({});
      setFormError("");
      toast(`Saved ${updated.username}.`, "success");
      onChanged(updated);
    } catch (error) {
      const { fields, form } = formErrors(error, [...PROFILE_FIELDS, "role"] as const);
      setErrors(fields);
      setFormError(form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="dialog__section" onSubmit={submit} noValidate aria-labelledby="edit-user-details">
      <h3 id="edit-user-details">Profile and role</h3>
      <SelectField
        id="edit-user-role"
        label="Role"
        value={role}
        error={errors.role}
        options={ROLE_CHOICES}
        onChange={(value) => setRole(value as Role)}
        hint="Administrators can manage users and settings."
      />
      <ProfileInputs idPrefix="edit-user" values={values} setValues={setValues} errors={errors} />
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <button type="submit" class="button button--primary" disabled={busy || !dirty}>
        {busy ? "Saving…" : "Save changes"}
      </button>
    </form>
  );
}

function PasswordReset({ user }: { user: User }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await resetPassword(user.id, password);
      setPassword("");
      setError("");
      toast(`New password set for ${user.username}; signed out everywhere, API tokens revoked.`, "success");
    } catch (failure) {
      const { fields, form } = formErrors(failure, ["new_password"] as const);
      setError(fields.new_password ?? form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="dialog__section" onSubmit={submit} noValidate aria-labelledby="edit-user-password">
      <h3 id="edit-user-password">Reset password</h3>
      <input type="text" name="username" autocomplete="off" value={user.username} readOnly hidden />
      <FormField
        id="edit-user-new-password"
        label="New password"
        type="password"
        autocomplete="new-password"
        value={password}
        onInput={setPassword}
        error={error}
        hint={`At least 10 characters. ${SIGNS_OUT}`}
        required
      />
      <button type="submit" class="button" disabled={busy || !password}>
        {busy ? "Setting…" : "Set password"}
      </button>
    </form>
  );
}

type ActionsProps = { user: User; isSelf: boolean; onChanged: (user: User) => void; onDeleted: () => void };

function AccountActions({ user, isSelf, onChanged, onDeleted }: ActionsProps) {
  const [problem, setProblem] = useState("");
  const [owned, setOwned] = useState(false);
  const confirm = useConfirm();
  const toast = useToast();

  async function toggleActive() {
    const deactivating = user.active;
    if (deactivating) {
      const ok = await confirm({
        title: `Deactivate ${user.username}?`,
        message: `They cannot sign in until reactivated; their data stays. ${SIGNS_OUT}`,
        confirmLabel: "Deactivate",
        danger: true,
      });
      if (!ok) return;
    }
    try {
      const updated = await updateUser(user.id, { active: !deactivating });
      setProblem("");
      toast(`${user.username} ${deactivating ? "deactivated" : "reactivated"}.`, "success");
      onChanged(updated);
    } catch (error) {
      setProblem(describeRefusal(error, user));
    }
  }

  async function remove(reassignTo?: number) {
    const ok = await confirm({
      title: `Delete ${user.username}?`,
      message:
        reassignTo === undefined
          ? "The account is removed for good. Deactivating keeps their history instead."
          : "The account is removed for good, and what they own is handed over to the user you chose.",
      confirmLabel: "Delete user",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteUser(user.id, reassignTo);
      toast(`${user.username} deleted.`, "success");
      onDeleted();
    } catch (error) {
      setOwned(error instanceof ApiError && error.code === "user_owns_data");
      setProblem(describeRefusal(error, user));
    }
  }

  return (
    <section class="dialog__section" aria-labelledby="edit-user-account">
      <h3 id="edit-user-account">Account</h3>
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {owned && <HandOver user={user} onHandOver={remove} />}
      <div class="button-row">
        <button type="button" class="button" onClick={toggleActive} disabled={isSelf && user.active}>
          {user.active ? "Deactivate" : "Reactivate"}
        </button>
        <button type="button" class="button button--danger" onClick={() => remove()} disabled={isSelf}>
          Delete user
        </button>
      </div>
      {!isSelf && (
        <p class="muted">
          {user.active
            ? `Deactivate: ${SIGNS_OUT}`
            : "Reactivating brings back none of their old API tokens; they create new ones after signing in."}
        </p>
      )}
      {isSelf && <p class="muted">You cannot deactivate or delete your own account.</p>}
    </section>
  );
}

/** Deleting a user who owns data: choose an active user to take it over. */
function HandOver({ user, onHandOver }: { user: User; onHandOver: (userId: number) => void }) {
  const [candidates, setCandidates] = useState<User[]>([]);
  const [target, setTarget] = useState("");
  const toast = useToast();
  useEffect(() => {
    listUsers({ active: "true", limit: 200, offset: 0 }).then(
      (page) => setCandidates(page.items.filter((other) => other.id !== user.id)),
      (error: unknown) => toast(errorMessage(error), "error"),
    );
  }, [user.id, toast]);
  const options = [
    { value: "", label: "Choose a user" },
    ...candidates.map((other) => ({ value: String(other.id), label: other.display_name || other.username })),
  ];
  return (
    <div class="button-row button-row--end">
      <SelectField
        id="hand-over-to"
        label="Hand their data over to"
        value={target}
        options={options}
        onChange={setTarget}
      />
      <button type="button" class="button button--danger" disabled={!target} onClick={() => onHandOver(Number(target))}>
        Delete and hand over
      </button>
    </div>
  );
}

/** Readable text for the refusals of user administration (409 last_admin, user_owns_data, delete_self). */
export function describeRefusal(error: unknown, user: User): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (error.code === "last_admin") {
    return `${user.username} is the last active administrator. Make another user an administrator first.`;
  }
  if (error.code === "user_owns_data") {
    const detail = typeof error.detail === "object" && error.detail !== null ? error.detail : {};
    const listing = Object.entries(detail)
      .map(([what, count]) => `${what.replaceAll("_", " ")}: ${String(count)}`)
      .join(", ");
    const owns = listing ? `still owns data (${listing})` : "still owns data";
    return `${user.username} ${owns}. Hand it over to another user below, or deactivate the account instead.`;
  }
  return error.message;
}
