import { expect, it, describe as suite } from "vitest";
import { formatSize, originLabel } from "@/features/system/api";
import { describe } from "@/features/system/health-badge";

suite("health badge", () => {
  it("is healthy with no open problem", () => {
    expect(describe({ kind: "known", summary: { status: "ok", warning: 0, critical: 0 } }).label).toBe("Healthy");
  });

  it("counts warnings and critical problems, red when one is critical", () => {
    const badge = describe({ kind: "known", summary: { status: "critical", warning: 2, critical: 1 } });
    expect(badge).toEqual({ tone: "fail", label: "3 problems", title: "1 critical, 2 warning" });
  });

  it("is amber for warnings only", () => {
    expect(describe({ kind: "known", summary: { status: "warning", warning: 1, critical: 0 } }).tone).toBe("warn");
  });
});

suite("formatSize", () => {
  it("picks a readable unit", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(1536)).toBe("1.5 kB");
    expect(formatSize(3 * 1024 ** 3)).toBe("3.0 GB");
  });
});

suite("originLabel", () => {
  it("says who made a backup", () => {
    expect(originLabel("scheduled")).toBe("Scheduled");
    expect(originLabel("manual")).toBe("Made by hand");
    expect(originLabel("upload")).toBe("Uploaded");
    expect(originLabel("safety")).toBe("Safety copy");
  });
});
