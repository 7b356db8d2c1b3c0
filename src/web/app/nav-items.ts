// The pages of the signed-in app: the sidebar lists them, and the command palette finds them by name.

export type NavItem = { href: string; label: string; adminOnly?: boolean };

// Slices add their pages here; adminOnly entries are listed under "Administration", for administrators only.
export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Dashboard" },
  { href: "/tasks", label: "Tasks" },
  { href: "/projects", label: "Projects" },
  { href: "/standups", label: "Standups" },
  { href: "/knowledge", label: "Knowledge" },
  { href: "/ask", label: "Ask" },
  { href: "/chat", label: "Chat" },
  { href: "/sitreps", label: "SITREPs" },
  { href: "/review", label: "Code review" },
  { href: "/workflows", label: "Workflows" },
  { href: "/training", label: "Training" },
  { href: "/profile", label: "Profile" },
  { href: "/admin/users", label: "Users", adminOnly: true },
  { href: "/admin/settings", label: "Settings", adminOnly: true },
  { href: "/admin/system", label: "System", adminOnly: true },
];

/** The pages whose name holds every word of `query`, best first, with the rule GET /api/find uses (the whole
 *  query as the name, then as its start, then words starting a word of the name); all of them for no words. */
export function findPages(items: readonly NavItem[], query: string): NavItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const phrase = words.join(" ");
  const ranked: [number, NavItem][] = [];
  for (const item of items) {
    const name = item.label.toLowerCase();
    if (!words.every((word) => name.includes(word))) continue;
    const whole = (name === phrase ? 4 : 0) + (name.startsWith(phrase) ? 2 : 0);
    ranked.push([whole + words.filter((word) => ` ${name}`.includes(` ${word}`)).length, item]);
  }
  // Array.prototype.sort is stable: equal ranks keep the sidebar's order.
  return ranked.sort((a, b) => b[0] - a[0]).map(([, item]) => item);
}
