// Notifications, shared by the top bar (unread badge), the inbox page and the Profile page's preferences: the API
// calls, and one live stream per tab (server-sent events) that keeps the unread count current.
import { useEffect, useState } from "preact/hooks";
import { request } from "@/lib/api";
import type * as Api from "@/lib/api-types";

export type Notification = Api.NotificationOut;
export type NotificationPage = Api.NotificationPage;
export type Preference = Api.PreferenceOut;

export function listNotifications(unreadOnly: boolean, limit = 50, offset = 0): Promise<NotificationPage> {
  const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
  if (unreadOnly) query.set("unread", "true");
  return request<NotificationPage>("GET", `/api/notifications?${query}`);
}

export function markRead(id: number, read = true): Promise<Notification> {
  return request<Notification>(read ? "POST" : "DELETE", `/api/notifications/${id}/read`);
}

export function markAllRead(upToId?: number): Promise<{ unread: number }> {
  return request("POST", "/api/notifications/read-all", { body: { up_to_id: upToId ?? null } });
}

export function getPreferences(): Promise<{ items: Preference[] }> {
  return request("GET", "/api/notifications/preferences");
}

export function setPreference(kind: Preference["kind"], enabled: boolean): Promise<{ items: Preference[] }> {
  return request("PATCH", "/api/notifications/preferences", { body: { enabled: { [kind]: enabled } } });
}

// Browser notifications are the user's choice per browser (and need a secure context: HTTPS or localhost).
const DESKTOP_KEY = "devcell.desktop-notifications";

export function desktopSupported(): boolean {
  return typeof window.Notification === "function" && window.isSecureContext;
}

export function desktopEnabled(): boolean {
  return desktopSupported() && Notification.permission === "granted" && localStorage.getItem(DESKTOP_KEY) === "on";
}

/** Asks the browser for permission (call it from a click only); true when notifications will be shown. */
export async function enableDesktop(on: boolean): Promise<boolean> {
  if (!on) {
    localStorage.setItem(DESKTOP_KEY, "off");
    return false;
  }
  if (!desktopSupported()) return false;
  const permission = await Notification.requestPermission();
  localStorage.setItem(DESKTOP_KEY, permission === "granted" ? "on" : "off");
  return permission === "granted";
}

type Listener = (event: "unread" | "notification", data: unknown) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;

function connect(): void {
  if (source || typeof EventSource !== "function") return;
  // EventSource reconnects by itself after a dropped connection; the first event then brings the count again.
  source = new EventSource("/api/notifications/events");
  for (const name of ["unread", "notification"] as const) {
    source.addEventListener(name, (message) => {
      const data: unknown = JSON.parse((message as MessageEvent<string>).data);
      for (const listener of listeners) listener(name, data);
    });
  }
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && source) {
      source.close();
      source = null;
    }
  };
}

/** Calls `onNew` with each notification that arrives while the component is mounted. */
export function useNewNotifications(onNew: (notification: Notification) => void): void {
  useEffect(
    () =>
      subscribe((event, data) => {
        if (event === "notification") onNew(data as Notification);
      }),
    [onNew],
  );
}

/** The live unread count (null until the stream's first event); shows a browser notification for each new one
 *  when the user turned them on and this tab is not the one they are looking at. */
export function useUnreadCount(): number | null {
  const [unread, setUnread] = useState<number | null>(null);
  useEffect(
    () =>
      subscribe((event, data) => {
        if (event === "unread") setUnread((data as { unread: number }).unread);
        else if (document.hidden && desktopEnabled()) showDesktop(data as Notification);
      }),
    [],
  );
  return unread;
}

function showDesktop(notification: Notification): void {
  const shown = new Notification(notification.title, { body: notification.excerpt, tag: `devcell-${notification.id}` });
  shown.onclick = () => {
    window.focus();
    location.assign(notification.link);
  };
}
