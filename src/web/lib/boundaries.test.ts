// The feature boundary rule lives in biome.json (noRestrictedImports, one override per feature folder); this test
// fails when a feature folder has no override, so a new feature cannot silently escape the rule.
import { describe, expect, it } from "vitest";
import biome from "../biome.json";

type Override = { includes: string[] };

const featureFiles = Object.keys(import.meta.glob("../features/*/*.{ts,tsx}"));

describe("feature boundaries", () => {
  it("every feature folder has its own no-cross-feature-import override", () => {
    const features = new Set(featureFiles.map((path) => path.split("/")[2]));
    const covered = new Set((biome.overrides as Override[]).map((o) => o.includes[0]));
    for (const feature of features) {
      expect(covered).toContain(`features/${feature}/**`);
    }
    expect(features.size).toBeGreaterThan(10);
  });
});
