// What the signed-in user is told about: one switch per kind of notification (saved at once), and whether this
// browser shows them as desktop notifications. On the Profile page.
import { useState } from "preact/hooks";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import { errorMessage } from "@/lib/api";
import {
  desktopEnabled,
  desktopSupported,
  enableDesktop,
  getPreferences,
  type Preference,
  setPreference,
} from "@/lib/notifications";
import { useLoad } from "@/lib/use-load";

export function NotificationPreferences() {
  const preferences = useLoad(getPreferences, []);
  // The switches show the user's choice at once; a save that fails puts the stored value back.
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const toast = useToast();

  async function toggle(preference: Preference, enabled: boolean) {
    setChosen((now) => ({ ...now, [preference.kind]: enabled }));
    try {
      await setPreference(preference.kind, enabled);
    } catch (error) {
      toast(errorMessage(error), "error");
      setChosen((now) => ({ ...now, [preference.kind]: preference.enabled }));
    }
  }

  return (
    <section class="card" id="notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <p class="muted">
        What DevCell tells you about in your <a href="/notifications">inbox</a>. You are never told about your own
        changes.
      </p>
      <LoadState loaded={preferences} what="your notification settings" />
      {preferences.data && (
        <fieldset class="check-group">
          <legend>Tell me when</legend>
          {preferences.data.items.map((preference) => (
            <label class="checkbox" key={preference.kind}>
              <input
                type="checkbox"
                checked={chosen[preference.kind] ?? preference.enabled}
                onChange={(e) => void toggle(preference, e.currentTarget.checked)}
              />{" "}
              {preference.label}
            </label>
          ))}
        </fieldset>
      )}
      <DesktopSwitch />
    </section>
  );
}

function DesktopSwitch() {
  const [on, setOn] = useState(desktopEnabled());
  if (!desktopSupported()) {
    return (
      <p class="muted">
        Desktop notifications need DevCell on HTTPS (or on this computer itself); this browser shows them in the inbox
        and the top bar only.
      </p>
    );
  }
  return (
    <label class="checkbox">
      <input type="checkbox" checked={on} onChange={(e) => void enableDesktop(e.currentTarget.checked).then(setOn)} />{" "}
      Also show them as desktop notifications in this browser (when DevCell's tab is in the background)
    </label>
  );
}
