// Light/dark theme: follows the system until the user picks one, then remembers it in localStorage.
import { useEffect, useState } from "preact/hooks";

export type Theme = "light" | "dark";

const STORAGE_KEY = "devcell.theme";
const systemDark = matchMedia("(prefers-color-scheme: dark)");

function chosenTheme(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null; // Storage can be disabled; the system theme still works.
  }
}

function currentTheme(): Theme {
  return chosenTheme() ?? (systemDark.matches ? "dark" : "light");
}

function applyTheme(): void {
  document.documentElement.dataset.theme = currentTheme();
}

/** Call once before the first render; styles.css keys its colours on <html data-theme>. */
export function startTheme(): void {
  applyTheme();
  systemDark.addEventListener("change", applyTheme);
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState(currentTheme);
  useEffect(() => {
    const follow = () => setTheme(currentTheme());
    systemDark.addEventListener("change", follow);
    return () => systemDark.removeEventListener("change", follow);
  }, []);
  const choose = (next: Theme) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered, but still applied to this page.
    }
    document.documentElement.dataset.theme = next;
    setTheme(next);
  };
  return [theme, choose];
}
