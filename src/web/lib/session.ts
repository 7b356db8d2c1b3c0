// The signed-in user and appliance facts every page may read (provided by app/, read with useSession()).
import { createContext } from "preact";
import { useContext } from "preact/hooks";

export type Role = "admin" | "user";
export type Registration = "closed" | "open" | "invite";

export type User = {
  id: number;
  username: string;
  display_name: string;
  job_title: string;
  team: string;
  rank: string;
  skills: string;
  time_zone: string;
  away_from: string | null;
  away_until: string | null;
  role: Role;
  active: boolean;
  created_at: string;
  last_login_at: string | null;
};

export type Session = {
  user: User;
  applianceName: string;
  /** After the user edited their own account: the shell and every page see the new values. */
  setUser: (user: User) => void;
  /** After an admin renamed the appliance in the settings: top bar and title follow without a reload. */
  setApplianceName: (name: string) => void;
};

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() is only available on signed-in pages");
  return session;
}

export function isAdmin(user: User): boolean {
  return user.role === "admin";
}

export function displayName(user: User): string {
  return user.display_name || user.username;
}
