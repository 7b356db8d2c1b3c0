import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { RevokeTokensCheckbox } from "@/features/accounts/revoke-tokens-checkbox";

function show(checked: boolean, onChange: (checked: boolean) => void = () => {}): HTMLInputElement {
  const host = document.createElement("div");
  document.body.append(host);
  render(<RevokeTokensCheckbox id="revoke" checked={checked} onChange={onChange} />, host);
  return host.querySelector("input") as HTMLInputElement;
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("RevokeTokensCheckbox", () => {
  it("is labelled with what it does and says what follows", () => {
    const box = show(true);
    expect(box.labels?.[0]?.textContent).toBe("Also revoke my API tokens");
    expect(document.getElementById(box.getAttribute("aria-describedby") ?? "")?.textContent).toContain("stop working");
  });

  it("reports unticking", () => {
    const changes: boolean[] = [];
    const box = show(true, (checked) => changes.push(checked));
    box.click();
    expect(changes).toEqual([false]);
  });
});
