// SITREPs: my saved reports (newest first), one opened at /sitreps/{id} with export and delete, and a new one.
import { useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { useConfirm } from "@/components/confirm-dialog";
import { LoadState } from "@/components/load-state";
import { Pager } from "@/components/pager";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { deleteSitrep, getSitrep, listSitreps, type Sitrep } from "@/features/assistant/api";
import { SitrepForm } from "@/features/assistant/sitrep-form";
import { SitrepView, StatusBadge } from "@/features/assistant/sitrep-view";
import "@/features/assistant/assistant.css";
import { errorMessage } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

const PAGE_SIZE = 20;

export function SitrepsPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const id = params.id ? Number(params.id) : null;
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const [formOpen, setFormOpen] = useState(false);
  const [asked, setAsked] = useState<number | null>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const list = useLoad(() => listSitreps(PAGE_SIZE, offset), [offset, version]);
  const selected = useLoad(() => (id ? getSitrep(id) : Promise.resolve(null)), [id, version]);
  const toast = useToast();
  const confirm = useConfirm();
  const refresh = () => setVersion((n) => n + 1);

  async function remove(sitrep: Sitrep) {
    const ok = await confirm({
      title: `Delete ${sitrep.title || `SITREP ${sitrep.id}`}?`,
      message: "The SITREP and its sources are deleted permanently. Exported files are not affected.",
      confirmLabel: "Delete SITREP",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteSitrep(sitrep.id);
      toast("SITREP deleted.", "success");
      route("/sitreps");
      refresh();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  const current = selected.data && selected.data.id === id ? selected.data : null;
  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>SITREPs</h1>
        <button
          ref={toggle}
          type="button"
          class="button button--primary"
          aria-expanded={formOpen}
          aria-controls="sitreps-new-form"
          onClick={() => setFormOpen(!formOpen)}
        >
          Generate SITREP…
        </button>
      </div>
      {formOpen && (
        <section class="card" aria-label="New SITREP">
          <SitrepForm
            idPrefix="sitreps-new"
            onCancel={() => {
              setFormOpen(false);
              toggle.current?.focus();
            }}
            onStarted={(started) => {
              setFormOpen(false);
              setAsked(started.id);
              route(`/sitreps/${started.id}`);
              refresh();
            }}
          />
        </section>
      )}
      <div class="sitreps">
        <nav class="sitreps__list" aria-label="Saved SITREPs">
          <LoadState loaded={list} what="your SITREPs" />
          {list.data && list.data.items.length === 0 && <p class="muted">No SITREP yet.</p>}
          <ul class="item-list">
            {list.data?.items.map((item) => (
              <li key={item.id} class="item-list__item">
                <a href={`/sitreps/${item.id}`} aria-current={item.id === id ? "page" : undefined}>
                  {item.title || `SITREP ${item.id}`}
                </a>{" "}
                <StatusBadge sitrep={item} />
                <p class="muted item-list__meta">
                  <Time value={item.created_at} relative />
                </p>
              </li>
            ))}
          </ul>
          {list.data && (
            <Pager total={list.data.total} offset={offset} pageSize={PAGE_SIZE} noun="SITREPs" onOffset={setOffset} />
          )}
        </nav>
        <div class="card sitreps__view">
          {id === null && <p class="muted">Choose a SITREP to read it, or generate a new one.</p>}
          {id !== null && !current && <LoadState loaded={selected} what="the SITREP" />}
          {current && (
            <SitrepView
              key={current.id}
              sitrep={current}
              level={2}
              focusWhenDone={asked === current.id}
              onFinished={refresh}
              actions={
                <button type="button" class="button button--danger" onClick={() => void remove(current)}>
                  Delete…
                </button>
              }
            />
          )}
        </div>
      </div>
    </section>
  );
}
