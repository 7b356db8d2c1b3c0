// <datalist> of time zone names for the time zone inputs.
import { useMemo } from "preact/hooks";
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
