// Signed-in frame: top bar (name, health, theme, user menu), sidebar navigation, main content, and the keyboard
// shortcuts with the command palette (app/keyboard.tsx).
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { type KeyboardDialog, KeyboardLayer } from "@/app/keyboard";
import { NAV_ITEMS, type NavItem } from "@/app/nav-items";
import { useTheme } from "@/app/theme";
import { HealthBadge, LlmChip, NotificationBell } from "@/app/topbar-status";
import { useDismiss } from "@/app/use-dismiss";
import { useToast } from "@/components/toast";
import { logout } from "@/features/accounts/api";
import { errorMessage } from "@/lib/api";
import { displayName, isAdmin, useSession } from "@/lib/session";
import { onMac } from "@/lib/shortcuts";

type Props = { children: ComponentChildren; onSignedOut: () => void };

export function Shell({ children, onSignedOut }: Props) {
  const { applianceName, user } = useSession();
  const { path } = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const [keyboardDialog, setKeyboardDialog] = useState<KeyboardDialog>(null);
  const sidebar = useRef<HTMLElement>(null);
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(path);
  useEffect(() => {
    setNavOpen(false);
    if (path === shownPath.current) return;
    shownPath.current = path;
    // After navigating from the menu, keyboard and screen reader users continue in the new page's content.
    const active = document.activeElement;
    if (!active || active === document.body || sidebar.current?.contains(active)) {
      main.current?.focus({ preventScroll: true });
    }
  }, [path]);

  return (
    <div class={navOpen ? "shell shell--nav-open" : "shell"}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button
          type="button"
          class="icon-button topbar__menu"
          aria-controls="sidebar"
          aria-expanded={navOpen}
          aria-label="Menu"
          onClick={() => setNavOpen((open) => !open)}
        >
          ☰
        </button>
        <a class="topbar__name" href="/">
          {applianceName}
        </a>
        {/* On a phone the theme toggle moves into the user menu and the user's name shrinks to initials, so the
            status badges keep their words (styles.css, max-width 720px). */}
        <div class="topbar__end">
          <NotificationBell />
          <LlmChip />
          <HealthBadge />
          <ThemeToggle />
          <UserMenu onSignedOut={onSignedOut} />
        </div>
      </header>
      <nav id="sidebar" class="sidebar" aria-label="Main" ref={sidebar}>
        <button type="button" class="sidebar__find" onClick={() => setKeyboardDialog("palette")}>
          <span>Go to…</span>
          <kbd>{onMac() ? "⌘ K" : "Ctrl K"}</kbd>
        </button>
        <NavList items={NAV_ITEMS.filter((item) => !item.adminOnly)} path={path} />
        {isAdmin(user) && (
          <>
            <h2 class="sidebar__heading" id="nav-admin">
              Administration
            </h2>
            <NavList items={NAV_ITEMS.filter((item) => item.adminOnly)} path={path} labelledBy="nav-admin" />
          </>
        )}
      </nav>
      <main id="main" class="content" tabIndex={-1} ref={main}>
        {children}
      </main>
      <KeyboardLayer admin={isAdmin(user)} open={keyboardDialog} setOpen={setKeyboardDialog} />
    </div>
  );
}

function NavList({ items, path, labelledBy }: { items: readonly NavItem[]; path: string; labelledBy?: string }) {
  return (
    <ul aria-labelledby={labelledBy}>
      {items.map((item) => (
        <li key={item.href}>
          <a href={item.href} aria-current={isCurrent(item.href, path) ? "page" : undefined}>
            {item.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

function isCurrent(href: string, path: string): boolean {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

/** An icon in the top bar; a worded button in the user menu (where it is on a phone). */
function ThemeToggle({ inMenu = false }: { inMenu?: boolean }) {
  const [theme, chooseTheme] = useTheme();
  const other = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      class={inMenu ? "button user-menu__theme" : "icon-button topbar__theme"}
      aria-label={inMenu ? undefined : `Use the ${other} theme`}
      title={inMenu ? undefined : `Use the ${other} theme`}
      onClick={() => chooseTheme(other)}
    >
      {inMenu ? `Use the ${other} theme` : theme === "dark" ? "☀" : "☾"}
    </button>
  );
}

/** "Ada Lovelace" -> "AL", "admin" -> "A": the user menu's face on a phone. */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => (word ?? "").charAt(0).toUpperCase()).join("") || "?";
}

function UserMenu({ onSignedOut }: { onSignedOut: () => void }) {
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const { route } = useLocation();
  const toast = useToast();
  useDismiss(
    open,
    menu,
    () => setOpen(false),
    () => button.current?.focus(),
  );

  async function signOut() {
    try {
      await logout();
    } catch (error) {
      toast(errorMessage(error), "error");
      return;
    }
    route("/login");
    onSignedOut();
  }

  return (
    <div class="user-menu" ref={menu}>
      <button
        ref={button}
        type="button"
        class="button user-menu__button"
        aria-expanded={open}
        aria-controls="user-menu"
        onClick={() => setOpen(!open)}
      >
        <span class="user-menu__name">{displayName(user)}</span>
        <span class="user-menu__initials" aria-hidden="true">
          {initials(displayName(user))}
        </span>
      </button>
      <div id="user-menu" class="user-menu__panel" hidden={!open}>
        <p>
          Signed in as <strong>{user.username}</strong>
          <br />
          <span class="muted">{user.role === "admin" ? "Administrator" : "User"}</span>
        </p>
        <a class="user-menu__link" href="/profile" onClick={() => setOpen(false)}>
          Profile and password
        </a>
        <ThemeToggle inMenu />
        <button type="button" class="button" onClick={signOut}>
          Log out
        </button>
      </div>
    </div>
  );
}
