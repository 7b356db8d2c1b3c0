import { describe, expect, it } from "vitest";
import { matchingZones } from "@/components/time-zone-list";

const ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Europe/Berlin_Test", "Asia/Tokyo"];

describe("matchingZones", () => {
  it("keeps the zones that hold every typed word, underscores read as spaces", () => {
    expect(matchingZones(ZONES, "new york")).toEqual(["America/New_York"]);
    expect(matchingZones(ZONES, "BERL")).toEqual(["Europe/Berlin", "Europe/Berlin_Test"]);
    expect(matchingZones(ZONES, "europe/berlin test")).toEqual(["Europe/Berlin_Test"]);
  });

  it("offers every zone before anything is typed, and none for nonsense", () => {
    expect(matchingZones(ZONES, "  ")).toEqual(ZONES);
    expect(matchingZones(ZONES, "Mars/Olympus")).toEqual([]);
  });
});
