// Time zone names; moments are formatted in lib/dates (the one formatter), re-exported here for older imports.

export { formatDateTime } from "@/lib/dates";

/** Time zone names for a <datalist>: UTC first, then every zone the browser knows. */
export function timeZoneNames(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];
  }
  return ["UTC", ...zones.filter((zone) => zone !== "UTC")];
}
