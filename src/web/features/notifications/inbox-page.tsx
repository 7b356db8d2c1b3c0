// The inbox: what happened that concerns me (assignments, mentions, comments, status changes, due dates, blockers,
// finished jobs), newest first, live; open one to go to it (and mark it read), or mark read without opening.
import { useCallback, useState } from "preact/hooks";
import { LoadState } from "@/components/load-state";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { errorMessage } from "@/lib/api";
import { listNotifications, markAllRead, markRead, type Notification, useNewNotifications } from "@/lib/notifications";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";
import "@/features/notifications/notifications.css";

const PAGE = 50;

export function InboxPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const page = useLoad(() => listNotifications(unreadOnly, limit), [unreadOnly, limit]);
  const toast = useToast();
  // A new notification while the page is open: load the list again (the stream only says that one arrived).
  const reload = page.reload;
  useNewNotifications(useCallback(() => reload(), [reload]));
  const items = page.data?.items ?? [];

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
    page.reload();
  }

  return (
    <section class="page">
      <div class="page__header">
        <h1>Notifications</h1>
        <div class="button-row">
          <label class="checkbox">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.currentTarget.checked)} />{" "}
            Unread only
          </label>
          <button
            type="button"
            class="button"
            disabled={!page.data?.unread}
            onClick={() => void act(() => markAllRead(items[0]?.id))}
          >
            Mark all read
          </button>
        </div>
      </div>
      <p class="muted">
        {page.data ? `${page.data.unread} unread. ` : ""}Choose what you are told about on your{" "}
        <a href="/profile#notifications">profile</a>.
      </p>
      <LoadState loaded={page} what="your notifications" />
      {page.data && items.length === 0 && (
        <p class="muted">{unreadOnly ? "Nothing unread." : "No notifications yet."}</p>
      )}
      {items.length > 0 && (
        <ul class="inbox" aria-label="Notifications">
          {items.map((item) => (
            <InboxItem key={item.id} item={item} onToggle={() => void act(() => markRead(item.id, !item.read_at))} />
          ))}
        </ul>
      )}
      {page.data && page.data.total > items.length && (
        <button type="button" class="button" onClick={() => setLimit((n) => n + PAGE)}>
          Show older
        </button>
      )}
    </section>
  );
}

function InboxItem({ item, onToggle }: { item: Notification; onToggle: () => void }) {
  const unread = !item.read_at;
  // Opening marks it read first, so the count is right when the page it leads to shows the top bar.
  const open = (event: MouseEvent) => {
    if (!unread) return;
    event.preventDefault();
    void markRead(item.id).finally(() => location.assign(item.link));
  };
  return (
    <li class={unread ? "inbox__item inbox__item--unread" : "inbox__item"}>
      <a class="inbox__title" href={item.link} onClick={open}>
        {unread && <span class="visually-hidden">Unread: </span>}
        {item.title}
      </a>
      {item.excerpt && <p class="inbox__excerpt">{item.excerpt}</p>}
      <p class="inbox__meta muted">
        {item.actor ? `${refName(item.actor)} · ` : ""}
        <Time value={item.created_at} relative />
        {item.events > 1 ? ` · ${item.events - 1} more update${item.events > 2 ? "s" : ""}` : ""}
      </p>
      <button type="button" class="button button--small" onClick={onToggle}>
        {unread ? "Mark read" : "Mark unread"}
      </button>
    </li>
  );
}
