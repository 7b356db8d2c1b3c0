// Admin -> Users: search and filter (server-side, paged), create, edit, and invite links.
import { useEffect, useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";
import { FormField, SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { InvitesPanel } from "@/features/accounts/invites-panel";
import { UserCreateForm } from "@/features/accounts/user-create-form";
import { UserEditor } from "@/features/accounts/user-editor";
import { listUsers, type UserQuery } from "@/features/accounts/users-api";
import { formatDateTime } from "@/lib/format";
import type { Role, User } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;
const ROLE_OPTIONS = [
  { value: "", label: "Any role" },
  { value: "admin", label: "Administrators" },
  { value: "user", label: "Users" },
];
const ACTIVE_OPTIONS = [
  { value: "", label: "Any status" },
  { value: "true", label: "Active" },
  { value: "false", label: "Deactivated" },
];

export function UsersPage() {
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [active, setActive] = useState<"" | "true" | "false">("");
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);

  // Search as the admin types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(search.trim());
      setOffset(0);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const query: UserQuery = { q, role, active, limit: PAGE_SIZE, offset };
  const users = useLoad(() => listUsers(query), [q, role, active, offset]);
  const page = users.data;

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Users</h1>
        <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
          New user
        </button>
      </div>
      <form class="filters" aria-label="Find users" onSubmit={(event) => event.preventDefault()}>
        <FormField
          id="user-search"
          label="Search"
          type="search"
          value={search}
          onInput={setSearch}
          hint="User name, display name or team."
          noOptionalMark
        />
        <SelectField
          id="user-role"
          label="Role"
          value={role}
          options={ROLE_OPTIONS}
          onChange={(value) => {
            setRole(value as Role | "");
            setOffset(0);
          }}
        />
        <SelectField
          id="user-active"
          label="Status"
          value={active}
          options={ACTIVE_OPTIONS}
          onChange={(value) => {
            setActive(value as "" | "true" | "false");
            setOffset(0);
          }}
        />
      </form>
      <LoadState loaded={users} what="users" />
      {page && (
        <>
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" class="hide-narrow">
                    Team
                  </th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="hide-narrow">
                    Last sign-in
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((user) => (
                  <tr key={user.id}>
                    <td>
                      <strong>{user.display_name || user.username}</strong>
                      <br />
                      <span class="muted">{user.username}</span>
                    </td>
                    <td class="hide-narrow">{user.team}</td>
                    <td>{user.role === "admin" ? "Admin" : "User"}</td>
                    <td>
                      <span class={user.active ? "badge badge--ok" : "badge badge--muted"}>
                        {user.active ? "Active" : "Deactivated"}
                      </span>
                    </td>
                    <td class="hide-narrow">{formatDateTime(user.last_login_at)}</td>
                    <td class="table__actions">
                      <button type="button" class="button" onClick={() => setEditing(user)}>
                        Edit<span class="visually-hidden"> {user.username}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {page.items.length === 0 && <p class="muted">No user matches.</p>}
          <Pager total={page.total} offset={offset} onOffset={setOffset} />
        </>
      )}
      {creating && (
        <Dialog title="New user" onClose={() => setCreating(false)} wide>
          <UserCreateForm
            onCreated={() => {
              setCreating(false);
              users.reload();
            }}
          />
        </Dialog>
      )}
      {editing && (
        <UserEditor
          user={editing}
          onChanged={(changed) => {
            setEditing(changed);
            users.reload();
          }}
          onDeleted={() => {
            setEditing(null);
            users.reload();
          }}
          onClose={() => setEditing(null)}
        />
      )}
      <InvitesPanel />
    </section>
  );
}

function Pager({ total, offset, onOffset }: { total: number; offset: number; onOffset: (offset: number) => void }) {
  if (total <= PAGE_SIZE && offset === 0) {
    return <p class="muted">{total === 1 ? "1 user" : `${total} users`}</p>;
  }
  const last = Math.min(offset + PAGE_SIZE, total);
  return (
    <nav class="pager" aria-label="User list pages">
      <button
        type="button"
        class="button"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))}
      >
        Previous
      </button>
      <span role="status">
        {total === 0 ? 0 : offset + 1}–{last} of {total}
      </span>
      <button type="button" class="button" disabled={last >= total} onClick={() => onOffset(offset + PAGE_SIZE)}>
        Next
      </button>
    </nav>
  );
}
