import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api";
import { useFormSubmit } from "@/lib/use-form-submit";

type Form = ReturnType<typeof useFormSubmit<"name">>;
let form: Form;
let root: HTMLElement;

function Probe({ closes }: { closes: boolean }) {
  form = useFormSubmit(["name"] as const, { closes });
  return null;
}

const invalid = new ApiError(422, "validation_error", "Invalid", [
  { field: "name", message: "Too long." },
  { field: "other", message: "Wrong." },
]);

beforeEach(() => {
  root = document.createElement("div");
});
afterEach(() => render(null, root));

describe("useFormSubmit", () => {
  it("shows a failure on the fields and the form, then lets the form be sent again", async () => {
    act(() => render(<Probe closes={false} />, root));
    await act(() => form.run(() => Promise.reject(invalid)));
    expect(form.errors).toEqual({ name: "Too long." });
    expect(form.formError).toBe("other: Wrong.");
    expect(form.busy).toBe(false);
    await act(() => form.run(() => Promise.resolve()));
    expect(form.errors).toEqual({});
    expect(form.formError).toBe("");
  });

  it("stays busy after a success when the form closes, and only then", async () => {
    act(() => render(<Probe closes />, root));
    await act(() => form.run(() => Promise.reject(invalid)));
    expect(form.busy).toBe(false);
    await act(() => form.run(() => Promise.resolve()));
    expect(form.busy).toBe(true);
    expect(form.errors).toEqual({ name: "Too long." });
  });
});
