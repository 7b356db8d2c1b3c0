// Standups: my entry for today (or the next working day), and the team's entries for a chosen day.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { LoadState } from "@/components/load-state";
import { exportPath, getRoster, getToday, listStandups, type Roster, type Standup } from "@/features/standups/api";
import { StandupCard } from "@/features/standups/standup-card";
import { StandupForm } from "@/features/standups/standup-form";
import { useStandupActions } from "@/features/standups/use-standup-actions";
import { addDays, formatDay, isDay } from "@/lib/dates";
import { useLoad } from "@/lib/use-load";

/** `Summary`: the assistant's summary of a day's standups, given by the app (features never import each other). */
type Props = { Summary: ComponentType<{ kind: "standups"; day: string }> };

export function StandupsPage({ Summary }: Props) {
  const { query, route } = useLocation();
  const today = useLoad(getToday, []);
  const [version, setVersion] = useState(0);
  const [editingMine, setEditingMine] = useState(false);
  const info = today.data;
  const day = isDay(query.day) ? query.day : (info?.day ?? "");
  const feed = useLoad(
    () => (day ? listStandups({ day, limit: 200, offset: 0 }) : Promise.resolve(null)),
    [day, version],
  );
  const roster = useLoad(() => (day ? getRoster(day) : Promise.resolve(null)), [day, version]);
  const refresh = () => {
    today.reload();
    setVersion((n) => n + 1);
  };
  const actions = useStandupActions(refresh);
  const setDay = (next: string) => route(next && next !== info?.day ? `/standups?day=${next}` : "/standups", true);
  const mine = info?.mine ?? null;
  // My own standup is the "My standup" card already: the team's list does not show it a second time.
  const shownMine = mine && !editingMine ? mine.id : null;
  const team = feed.data?.items.filter((standup) => standup.id !== shownMine) ?? [];
  const mineInFeed = team.length !== (feed.data?.items.length ?? 0);
  // A link to one standup (`/standups?day=…#standup-<id>`, e.g. from a summary's sources): once the day's feed
  // has loaded, bring that card into view and move focus to it.
  useEffect(() => {
    const target = location.hash.startsWith("#standup-") ? document.getElementById(location.hash.slice(1)) : null;
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }, [feed.data]);

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Standups</h1>
        <a class="button" href="/standups/history">
          History
        </a>
      </div>
      <section class="card" aria-labelledby="my-standup-heading">
        <h2 id="my-standup-heading">My standup</h2>
        <LoadState loaded={today} what="your standup" />
        {info &&
          (mine && !editingMine ? (
            <>
              <p class="form-success">You filed your standup for {formatDay(mine.day)}.</p>
              <StandupCard
                anchor
                standup={mine}
                onEdit={() => setEditingMine(true)}
                onConvert={actions.onConvert}
                onDelete={actions.onDelete}
              />
            </>
          ) : (
            <StandupForm
              key={mine?.id ?? "new"}
              standup={mine}
              today={info.day}
              nextWorkingDay={info.next_working_day}
              onCancel={mine ? () => setEditingMine(false) : undefined}
              onSaved={(saved: Standup) => {
                setEditingMine(false);
                refresh();
                if (saved.day !== day) setDay(saved.day);
              }}
            />
          ))}
      </section>
      <section aria-labelledby="feed-heading">
        <div class="page__header">
          <h2 id="feed-heading">Team standups{day ? ` · ${formatDay(day)}` : ""}</h2>
          {day && (
            <a class="button button--small" href={exportPath(day)} download>
              Export day as Markdown
            </a>
          )}
        </div>
        {day && (
          <fieldset class="day-picker">
            <legend class="visually-hidden">Day to show</legend>
            <button type="button" class="button button--small" onClick={() => setDay(addDays(day, -1))}>
              ← Previous day
            </button>
            <label class="visually-hidden" for="feed-day">
              Day
            </label>
            <input
              id="feed-day"
              type="date"
              value={day}
              onChange={(event) => isDay(event.currentTarget.value) && setDay(event.currentTarget.value)}
            />
            <button type="button" class="button button--small" onClick={() => setDay(addDays(day, 1))}>
              Next day →
            </button>
            {info && day !== info.day && (
              <button type="button" class="link-button" onClick={() => setDay(info.day)}>
                Today
              </button>
            )}
          </fieldset>
        )}
        {roster.data && <RosterLine roster={roster.data} />}
        {day && <Summary key={day} kind="standups" day={day} />}
        <LoadState loaded={feed} what="the team's standups" />
        {feed.data && feed.data.items.length === 0 && <p class="muted">Nobody filed a standup for this day.</p>}
        {mineInFeed && (
          <p class="muted">
            {team.length === 0 ? "Only you filed a standup for this day: " : "Yours is "}
            <a href="#my-standup-heading">under My standup</a>.
          </p>
        )}
        {team.map((standup) => (
          <StandupCard
            key={standup.id}
            anchor
            standup={standup}
            onEdit={actions.onEdit}
            onConvert={actions.onConvert}
            onDelete={actions.onDelete}
          />
        ))}
      </section>
      {actions.dialogs}
    </section>
  );
}

/** Who has not filed for the day and who is away (names, then the count of who filed). */
function RosterLine({ roster }: { roster: Roster }) {
  const names = (refs: Roster["missing"]) => refs.map((ref) => ref.display_name || ref.username).join(", ");
  return (
    <p class="roster muted">
      {roster.filed.length} filed.
      {roster.missing.length > 0 && ` Not filed yet: ${names(roster.missing)}.`}
      {roster.away.length > 0 && ` Away: ${names(roster.away)}.`}
    </p>
  );
}
