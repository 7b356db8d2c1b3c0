import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api";
import { localErrors, useFormSubmit } from "@/lib/use-form-submit";

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

describe("localErrors", () => {
  const rules = {
    required: ["user", "password", "again"],
    minLength: [["password", 10, "Use at least 10 characters."]],
    same: [["again", "password", "The two passwords differ."]],
  } as const;

  it("finds every problem at once, one per field", () => {
    expect(localErrors({ user: " ", password: "short", again: "other" }, rules)).toEqual({
      user: "Required.",
      password: "Use at least 10 characters.",
      again: "The two passwords differ.",
    });
  });

  it("finds nothing in a form that can be sent", () => {
    expect(localErrors({ user: "ada", password: "long enough pw", again: "long enough pw" }, rules)).toEqual({});
  });
});
