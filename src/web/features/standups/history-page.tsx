// Standup history: by person and date range, newest first, paged.
import { useMemo, useState } from "preact/hooks";
import { SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { Pager } from "@/components/pager";
import { listStandups } from "@/features/standups/api";
import { StandupCard } from "@/features/standups/standup-card";
import { useStandupActions } from "@/features/standups/use-standup-actions";
import { personOptions } from "@/lib/options";
import { usePeople, useProjects } from "@/lib/pickers";
import { useSession } from "@/lib/session";
import type { UserRef } from "@/lib/types";
import { useLoad } from "@/lib/use-load";

const PAGE_SIZE = 20;

export function StandupHistoryPage() {
  const { user } = useSession();
  const [author, setAuthor] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [project, setProject] = useState("");
  const [offset, setOffset] = useState(0);
  const [seen, setSeen] = useState<Map<number, UserRef>>(new Map());
  const people = usePeople(project ? Number(project) : null);
  const projects = useProjects();
  const history = useLoad(async () => {
    const page = await listStandups({ author, from, to, project, limit: PAGE_SIZE, offset });
    // Authors seen so far become choices too (there is no user directory for non-admins).
    setSeen((known) => {
      const next = new Map(known);
      for (const item of page.items) next.set(item.author.id, item.author);
      return next.size === known.size ? known : next;
    });
    return page;
  }, [author, from, to, project, offset]);
  const actions = useStandupActions(history.reload);
  const authors = useMemo(() => {
    const all = new Map(people.map((person) => [person.id, person]));
    for (const [id, person] of seen) all.set(id, person);
    return [...all.values()].sort((a, b) => a.username.localeCompare(b.username));
  }, [people, seen]);
  const filter = (apply: () => void) => {
    apply();
    setOffset(0);
  };

  return (
    <section class="page page--wide">
      <p>
        <a href="/standups">← Standups</a>
      </p>
      <h1>Standup history</h1>
      <form class="filters" aria-label="Filter standups" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          id="history-author"
          label="Person"
          value={author}
          options={[{ value: "", label: "Everyone" }, ...personOptions(authors, user.id)]}
          onChange={(value) => filter(() => setAuthor(value))}
        />
        <SelectField
          id="history-project"
          label="Project"
          value={project}
          options={[
            { value: "", label: "Any project" },
            ...projects.map((item) => ({ value: String(item.id), label: item.name })),
          ]}
          onChange={(value) => filter(() => setProject(value))}
        />
        <div class="field">
          <label for="history-from">
            From<span class="field__optional"> (optional)</span>
          </label>
          <input
            id="history-from"
            type="date"
            value={from}
            onChange={(e) => filter(() => setFrom(e.currentTarget.value))}
          />
        </div>
        <div class="field">
          <label for="history-to">
            To<span class="field__optional"> (optional)</span>
          </label>
          <input id="history-to" type="date" value={to} onChange={(e) => filter(() => setTo(e.currentTarget.value))} />
        </div>
      </form>
      <LoadState loaded={history} what="standups" />
      {history.data && (
        <>
          {history.data.items.length === 0 && <p class="muted">No standups match.</p>}
          {history.data.items.map((standup) => (
            <StandupCard
              key={standup.id}
              standup={standup}
              level={2}
              showDay
              onEdit={actions.onEdit}
              onConvert={actions.onConvert}
              onDelete={actions.onDelete}
            />
          ))}
          <Pager total={history.data.total} offset={offset} pageSize={PAGE_SIZE} noun="standups" onOffset={setOffset} />
        </>
      )}
      {actions.dialogs}
    </section>
  );
}
