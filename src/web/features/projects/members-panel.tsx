// A project's members: add by username, change role, remove, leave. The server keeps at least one owner and
// answers 409 last_owner otherwise; that message is shown as it comes.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useConfirm } from "@/components/confirm-dialog";
import { FormField, SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import {
  addMember,
  changeRole,
  listMembers,
  type Member,
  PROJECT_ROLES,
  type Project,
  type ProjectRole,
  ROLE_LABELS,
  removeMember,
} from "@/features/projects/api";
import { errorMessage, formErrors } from "@/lib/api";
import { useDirectory } from "@/lib/pickers";
import { useSession } from "@/lib/session";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";
import "@/features/projects/projects.css";

const ROLE_OPTIONS = PROJECT_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }));

type Props = { project: Project; onChanged: () => void };

export function MembersPanel({ project, onChanged }: Props) {
  const members = useLoad(() => listMembers(project.id), [project.id]);
  const { user } = useSession();
  const toast = useToast();
  const confirm = useConfirm();
  const { route } = useLocation();

  const refresh = () => {
    members.reload();
    onChanged();
  };

  async function setRole(member: Member, role: ProjectRole) {
    try {
      await changeRole(project.id, member.user.username, role);
      toast(`${refName(member.user)} is now ${ROLE_LABELS[role].toLowerCase()}.`, "success");
      refresh();
    } catch (error) {
      toast(errorMessage(error), "error");
      members.reload();
    }
  }

  async function remove(member: Member) {
    const self = member.user.id === user.id;
    const ok = await confirm({
      title: self ? "Leave project?" : `Remove ${refName(member.user)}?`,
      message: self
        ? `You will no longer see ${project.name} or its tasks unless someone adds you again.`
        : `${refName(member.user)} will no longer see ${project.name} or its tasks.`,
      confirmLabel: self ? "Leave project" : "Remove member",
      danger: true,
    });
    if (!ok) return;
    try {
      await removeMember(project.id, member.user.username);
      toast(self ? `You left ${project.name}.` : `${refName(member.user)} removed.`, "success");
      if (self && !project.can_manage) route("/projects");
      else refresh();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  const list = members.data ?? [];
  return (
    <section class="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <LoadState loaded={members} what="members" />
      <ul class="item-list members">
        {list.map((member) => {
          const self = member.user.id === user.id;
          const canRemove = project.can_manage || self;
          return (
            <li key={member.user.id} class="item-list__item members__row">
              <div class="members__who">
                <strong>{refName(member.user)}</strong> <span class="muted">{member.user.username}</span>
                {self && <span class="badge badge--muted">You</span>}
              </div>
              <div class="members__controls">
                {project.can_manage ? (
                  <select
                    class="inline-select"
                    aria-label={`Role of ${member.user.username}`}
                    value={member.role}
                    onChange={(event) => void setRole(member, event.currentTarget.value as ProjectRole)}
                  >
                    {ROLE_OPTIONS.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span class="badge badge--muted">{ROLE_LABELS[member.role]}</span>
                )}
                {canRemove ? (
                  <button type="button" class="button" onClick={() => void remove(member)}>
                    {self ? "Leave" : "Remove"}
                    {!self && <span class="visually-hidden"> {member.user.username}</span>}
                  </button>
                ) : (
                  <span />
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {project.can_manage && <AddMemberForm projectId={project.id} onAdded={refresh} />}
    </section>
  );
}

function AddMemberForm({ projectId, onAdded }: { projectId: number; onAdded: () => void }) {
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<ProjectRole>("member");
  const directory = useDirectory();
  const [error, setError] = useState("");
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!username.trim()) {
      setError("Enter the username of an existing user.");
      return;
    }
    setBusy(true);
    try {
      const member = await addMember(projectId, username.trim(), role);
      toast(`${refName(member.user)} added as ${ROLE_LABELS[member.role].toLowerCase()}.`, "success");
      setUsername("");
      setError("");
      setFormError("");
      onAdded();
    } catch (failure) {
      const found = formErrors(failure, ["username", "role"] as const);
      setError(found.fields.username ?? "");
      setFormError(found.fields.role ?? found.form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="inline-form dialog__section" aria-label="Add a member" onSubmit={submit} noValidate>
      <FormField
        id="member-username"
        label="Username"
        value={username}
        onInput={setUsername}
        error={error}
        autocomplete="off"
        list="member-suggestions"
        required
      />
      <datalist id="member-suggestions">
        {directory.map((person) => (
          <option key={person.id} value={person.username}>
            {person.display_name || person.username}
          </option>
        ))}
      </datalist>
      <SelectField
        id="member-role"
        label="Role"
        value={role}
        options={ROLE_OPTIONS}
        onChange={(value) => setRole(value as ProjectRole)}
      />
      <button type="submit" class="button button--primary" disabled={busy}>
        Add member
      </button>
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
    </form>
  );
}
