// Administration calls of the accounts slice: users, invite links and password reset links (administrators only).

import type { ProfilePatch } from "@/features/accounts/api";
import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Role, User } from "@/lib/session";

export type UserQuery = { q?: string; role?: Role | ""; active?: "true" | "false" | ""; limit: number; offset: number };
export type UserPage = { items: User[]; total: number; limit: number; offset: number };

export type NewUser = {
  username: string;
  password: string;
  role: Role;
  display_name?: string;
  job_title?: string;
  team?: string;
};
export type UserPatch = ProfilePatch & { role?: Role; active?: boolean };

export type InviteStatus = "open" | "used" | "expired" | "revoked";
export type Invite = {
  id: number;
  role: Role;
  note: string;
  created_by_id: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by_id: number | null;
  status: InviteStatus;
};
/** Only the create answer has the token and the registration path with it. */
export type NewInvite = Invite & { token: string; path: string };
export type InviteInput = { role: Role; note: string; expires_in_hours: number };

const userPath = (userId: number) => `/api/users/${userId}`;

export function listUsers(query: UserQuery): Promise<UserPage> {
  return request<UserPage>("GET", withQuery("/api/users", query));
}

export function createUser(input: NewUser): Promise<User> {
  return request<User>("POST", "/api/users", { body: input });
}

export function updateUser(userId: number, patch: UserPatch): Promise<User> {
  return request<User>("PATCH", userPath(userId), { body: patch });
}

/** 409 `user_owns_data` (detail: {what: count}) while the user owns data and no `reassignTo` user is given;
 * 409 `last_admin` for the last administrator, `delete_self` for the own account. */
export function deleteUser(userId: number, reassignTo?: number): Promise<void> {
  return request<void>("DELETE", withQuery(userPath(userId), { reassign_to: reassignTo }));
}

/** Sets the password, signs the user out everywhere and revokes their API tokens. */
export function resetPassword(userId: number, newPassword: string): Promise<void> {
  return request<void>("POST", `${userPath(userId)}/password`, { body: { new_password: newPassword } });
}

export async function listInvites(): Promise<Invite[]> {
  return (await request<{ items: Invite[] }>("GET", "/api/invites")).items;
}

export function createInvite(input: InviteInput): Promise<NewInvite> {
  return request<NewInvite>("POST", "/api/invites", { body: input });
}

export function revokeInvite(inviteId: number): Promise<void> {
  return request<void>("DELETE", `/api/invites/${inviteId}`);
}

export type ResetLink = Api.ResetOut;
export type ResetLinkCreated = Api.ResetCreated;

/** A one-time link for the user to set a new password (their older open links stop working). */
export function createResetLink(userId: number, expiresInHours = 24): Promise<ResetLinkCreated> {
  return request("POST", `/api/users/${userId}/reset-link`, { body: { expires_in_hours: expiresInHours } });
}

export function listResetLinks(): Promise<{ items: ResetLink[] }> {
  return request("GET", "/api/password-resets");
}

export function revokeResetLink(id: number): Promise<void> {
  return request("DELETE", `/api/password-resets/${id}`);
}
