// Time zone names: a <datalist> for inputs that take free text, and a picker that only takes real zone names.
import type { TargetedEvent } from "preact";
import { useMemo, useState } from "preact/hooks";
import { timeZoneNames } from "@/lib/format";

export function TimeZoneList({ id }: { id: string }) {
  const zones = useMemo(timeZoneNames, []);
  return (
    <datalist id={id}>
      {zones.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}

/** The zones whose name holds every typed word ("new york", "berl"). */
export function matchingZones(zones: readonly string[], query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[\s/_,]+/)
    .filter(Boolean);
  return zones.filter((zone) => {
    const name = zone.toLowerCase().replaceAll("_", " ");
    return words.every((word) => name.includes(word));
  });
}

type PickerProps = {
  /** The <select>'s id: the setting's <label for> names it. */
  id: string;
  name?: string;
  value: string;
  onChange: (zone: string) => void;
  disabled?: boolean;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
};

const VISIBLE_ROWS = 6;

/** A search box over the list of zones: type part of a city or region, pick from what is left (Enter in the box
 * picks the first match). Free text cannot slip through: the value is always one of the list's names. */
export function TimeZonePicker({ id, name, value, onChange, disabled, ...aria }: PickerProps) {
  const zones = useMemo(timeZoneNames, []);
  const [query, setQuery] = useState("");
  const matches = matchingZones(zones, query);
  // The chosen zone stays in the list while filtered out: a <select> shows only what its options hold.
  const shown = value && !matches.includes(value) ? [value, ...matches] : matches;

  function onSearchKey(event: TargetedEvent<HTMLInputElement, KeyboardEvent>) {
    if (event.key !== "Enter") return;
    event.preventDefault(); // Enter here picks a zone; it does not send the whole form
    const first = matches[0];
    if (first) onChange(first);
  }

  return (
    <div class="zone-picker">
      <input
        type="search"
        id={`${id}-search`}
        aria-label="Search time zones"
        aria-controls={id}
        placeholder="Search, e.g. Berlin or New York"
        autocomplete="off"
        spellcheck={false}
        disabled={disabled}
        value={query}
        onInput={(event) => setQuery(event.currentTarget.value)}
        onKeyDown={onSearchKey}
      />
      <select
        id={id}
        name={name}
        size={VISIBLE_ROWS}
        disabled={disabled}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        {...aria}
      >
        {shown.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replaceAll("_", " ")}
          </option>
        ))}
      </select>
      <p class="zone-picker__count muted" aria-live="polite">
        {query ? `${matches.length} of ${zones.length} time zones match.` : `${zones.length} time zones.`}
        {value ? ` Chosen: ${value}.` : ""}
      </p>
    </div>
  );
}
