// Calls to the accounts slice: first-run setup, login, logout and the current user.
import { ApiError, request, setCsrfToken } from "@/lib/api";
import type { Registration, User } from "@/lib/session";

export type SetupStatus = { needs_setup: boolean; registration: Registration; appliance_name: string };
export type SetupInput = { setup_code: string; username: string; password: string; display_name?: string };
export type Credentials = { username: string; password: string };

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
