// Dashboard card: the latest SITREP (live while it is generated), a "Generate" form, and a link to all of them.
import { useRef, useState } from "preact/hooks";
import { LoadState } from "@/components/load-state";
import { getSitrep, listSitreps, type Sitrep } from "@/features/assistant/api";
import { SitrepForm } from "@/features/assistant/sitrep-form";
import { SitrepView } from "@/features/assistant/sitrep-view";
import "@/features/assistant/assistant.css";
import { errorMessage } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

export function SitrepCard() {
  const latest = useLoad(() => listSitreps(1, 0).then((page) => page.items[0] ?? null), []);
  // A SITREP started or re-read here replaces the loaded one.
  const [shown, setShown] = useState<Sitrep | null>(null);
  const [asked, setAsked] = useState(false);
  const [formOpen, setFormOpen] = useState(false);
  const [problem, setProblem] = useState("");
  const toggle = useRef<HTMLButtonElement>(null);
  const sitrep = shown ?? latest.data ?? null;

  async function reread() {
    if (!sitrep) return;
    try {
      setShown(await getSitrep(sitrep.id));
    } catch (error) {
      setProblem(errorMessage(error));
    }
  }

  return (
    <section class="card sitrep-card" aria-labelledby="dash-sitrep">
      <div class="page__header">
        <h2 id="dash-sitrep">SITREP</h2>
        <div class="button-row">
          <button
            ref={toggle}
            type="button"
            class="button button--primary"
            aria-expanded={formOpen}
            aria-controls="dash-sitrep-form"
            onClick={() => setFormOpen(!formOpen)}
          >
            Generate SITREP…
          </button>
          <a href="/sitreps">All SITREPs</a>
        </div>
      </div>
      {formOpen && (
        <SitrepForm
          idPrefix="dash-sitrep"
          onCancel={() => {
            setFormOpen(false);
            toggle.current?.focus();
          }}
          onStarted={(started) => {
            setShown(started);
            setAsked(true);
            setFormOpen(false);
          }}
        />
      )}
      <LoadState loaded={latest} what="the latest SITREP" />
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {sitrep ? (
        <SitrepView key={sitrep.id} sitrep={sitrep} level={3} onFinished={() => void reread()} focusWhenDone={asked} />
      ) : (
        latest.state === "ready" &&
        !formOpen && <p class="muted">No SITREP yet. Generate one from your team's standups and tasks.</p>
      )}
    </section>
  );
}
