// Where to send people: the login page with a way back, and only ever back to this origin.

export function loginPath(next: string): string {
  return next === "/" || next === "" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}

/** The ?next= target after login, or "/" when it is missing, foreign (//host, /\host) or a loop. */
export function safeNext(raw: string | undefined): string {
  if (!raw?.startsWith("/")) return "/";
  const url = new URL(raw, location.origin);
  if (url.origin !== location.origin || url.pathname === "/login" || url.pathname === "/setup") return "/";
  return url.pathname + url.search + url.hash;
}
