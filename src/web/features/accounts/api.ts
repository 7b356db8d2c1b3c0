// Calls to the accounts slice for everyone: setup, sign-in, registration, and the own account (profile, password,
// sessions, API tokens). Administration of users and invites is in users-api.ts.
import { ApiError, request, setCsrfToken } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Registration, User } from "@/lib/session";

export type SetupStatus = { needs_setup: boolean; registration: Registration; appliance_name: string };
export type SetupInput = Api.SetupIn;
export type Credentials = Api.LoginIn;
export type RegisterInput = { username: string; password: string; display_name?: string; invite?: string };

/** The profile fields every user edits; "" clears one. */
/** The server's shortest password (accounts/schemas.py MIN_PASSWORD), checked before sending so a form says it
 * together with its other problems. */
export const MIN_PASSWORD = 10;
export const PASSWORD_TOO_SHORT = `Use at least ${MIN_PASSWORD} characters.`;
/** The server's user name rule (accounts/schemas.py USERNAME_RE; it lower-cases first) and its words. */
export const USERNAME_FORM = /^[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}$/;
export const USERNAME_RULE =
  "Use 3-32 characters: letters, digits, dot, dash or underscore, starting with a letter or digit.";

export const PROFILE_FIELDS = [
  "display_name",
  "job_title",
  "team",
  "rank",
  "skills",
  "time_zone",
  "away_from",
  "away_until",
] as const;
/** Dates (YYYY-MM-DD): emptied, they are sent as null. */
export const DATE_FIELDS: readonly ProfileField[] = ["away_from", "away_until"];
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type ProfilePatch = Partial<Record<ProfileField, string | null>>;

export type SessionInfo = {
  id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: string;
  client_address: string;
  /** The session of this browser. */
  current: boolean;
};

export type ApiToken = Api.TokenOut;
export type NewApiToken = ApiToken & { token: string };
export type TokenInput = { name: string; expires_in_days?: number };

type Items<T> = { items: T[] };

type SignedIn = { user: User; csrf_token: string };
type Me = { user: User; csrf_token: string | null };

// Their 401/403 answers belong to the page that asked, not to the expired-session redirect.
const AUTH_CALL = { redirectOnUnauthorized: false } as const;

export function getSetup(): Promise<SetupStatus> {
  return request<SetupStatus>("GET", "/api/setup", AUTH_CALL);
}

/** Creates the first admin and signs them in. */
export async function postSetup(input: SetupInput): Promise<User> {
  const answer = await request<SignedIn>("POST", "/api/setup", { ...AUTH_CALL, body: input });
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export async function login(credentials: Credentials): Promise<User> {
  const answer = await request<SignedIn>("POST", "/api/auth/login", { ...AUTH_CALL, body: credentials });
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

/** Creates an account (open registration or an invite) and signs it in. */
export async function register(input: RegisterInput): Promise<User> {
  const answer = await request<SignedIn>("POST", "/api/auth/register", { ...AUTH_CALL, body: input });
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

/** Ends the session; a session that has already expired counts as logged out. */
export async function logout(): Promise<void> {
  try {
    await request<void>("POST", "/api/auth/logout", AUTH_CALL);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  setCsrfToken(null);
}

/** The signed-in user, or null when nobody is signed in. */
export async function getMe(): Promise<User | null> {
  try {
    const me = await request<Me>("GET", "/api/auth/me", AUTH_CALL);
    setCsrfToken(me.csrf_token);
    return me.user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function updateMe(patch: ProfilePatch): Promise<User> {
  return (await request<Me>("PATCH", "/api/auth/me", { body: patch })).user;
}

/** Every other session of the user is signed out; this one stays. `revokeTokens` also deletes every API token
 * of the user. Too many wrong current passwords answer 429. */
export function changePassword(currentPassword: string, newPassword: string, revokeTokens: boolean): Promise<void> {
  return request<void>("POST", "/api/auth/password", {
    body: { current_password: currentPassword, new_password: newPassword, revoke_tokens: revokeTokens },
  });
}

export async function listSessions(): Promise<SessionInfo[]> {
  return (await request<Items<SessionInfo>>("GET", "/api/auth/sessions")).items;
}

export function revokeSession(sessionId: number): Promise<void> {
  return request<void>("DELETE", `/api/auth/sessions/${sessionId}`);
}

/** Signs out every session of the user, this one included; `revokeTokens` also deletes every API token. */
export async function logoutAll(revokeTokens: boolean): Promise<void> {
  await request<void>("POST", "/api/auth/logout-all", { ...AUTH_CALL, body: { revoke_tokens: revokeTokens } });
  setCsrfToken(null);
}

export async function listTokens(): Promise<ApiToken[]> {
  return (await request<Items<ApiToken>>("GET", "/api/auth/tokens")).items;
}

/** The answer holds the token itself; the server never shows it again. Only a browser session may create one. */
export function createToken(input: TokenInput): Promise<NewApiToken> {
  return request<NewApiToken>("POST", "/api/auth/tokens", { body: input });
}

export function revokeToken(tokenId: number): Promise<void> {
  return request<void>("DELETE", `/api/auth/tokens/${tokenId}`);
}

/** What an invite link is worth now; "invalid" covers unknown and revoked links. */
export type InviteStatus = "valid" | "used" | "expired" | "invalid";

/** Checks an invite link before the registration form is filled in (POST, so the token stays out of logs). */
export async function checkInvite(invite: string): Promise<InviteStatus> {
  const answer = await request<{ status: InviteStatus }>("POST", "/api/auth/invite-check", {
    ...AUTH_CALL,
    body: { invite },
  });
  return answer.status;
}

/** What a password reset link is worth now; "invalid" covers unknown and revoked links. */
export type ResetStatus = "valid" | "used" | "expired" | "invalid";

/** Checks a reset link when its page opens: whether it works, and whose password it sets. */
export function checkReset(token: string): Promise<{ status: ResetStatus; username: string | null }> {
  return request("POST", "/api/auth/reset-check", { ...AUTH_CALL, body: { token } });
}

/** Sets a new password with a reset link and signs this browser in (the user's other sessions end). */
export async function resetWithLink(token: string, password: string): Promise<User> {
  const answer = await request<SignedIn>("POST", "/api/auth/reset", { ...AUTH_CALL, body: { token, password } });
  setCsrfToken(answer.csrf_token);
  return answer.user;
}
