// What every form's submit repeated: busy while its call runs, and a failed call split into messages for the
// form's own fields and one message for the rest (formErrors).
import { useState } from "preact/hooks";
import { formErrors } from "@/lib/api";

export type FormFailure<F extends string> = { fields: Partial<Record<F, string>>; form: string };

type Options<F extends string> = {
  /** The form ends on success (its dialog closes, the page moves on): it stays busy then, so nothing is sent twice,
   *  and keeps its state; any other form clears busy and its old errors. */
  closes?: boolean;
  /** Fixes up a failure's split, e.g. a conflict whose code belongs to a field. */
  adjust?: (error: unknown, found: FormFailure<F>) => FormFailure<F>;
};

export function useFormSubmit<F extends string>(fields: readonly F[], options: Options<F> = {}) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const [formError, setFormError] = useState("");

  /** Runs the form's call: busy meanwhile, its failure shown on the fields and the form. */
  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    try {
      await action();
      if (options.closes) return;
      setErrors({});
      setFormError("");
    } catch (error) {
      const found = formErrors(error, fields);
      const shown = options.adjust ? options.adjust(error, found) : found;
      setErrors(shown.fields);
      setFormError(shown.form);
      if (options.closes) setBusy(false);
    }
    if (!options.closes) setBusy(false);
  }

  /** Shows the problems found before sending (localErrors) on their fields; true when there were any, so the
   *  submit stops there. */
  function showLocal(found: Partial<Record<F, string>>): boolean {
    if (Object.keys(found).length === 0) return false;
    setErrors(found);
    setFormError("");
    return true;
  }

  return { busy, errors, setErrors, formError, setFormError, run, showLocal };
}

export type LocalRules<F extends string> = {
  /** Fields that must not be left empty (blank counts as empty). */
  required?: readonly F[];
  /** [field, shortest length, what to say]: a length rule the server has too, said before sending. */
  minLength?: readonly (readonly [F, number, string])[];
  /** [field, the form a value must have, what to say]: a format rule the server has too (user names). */
  pattern?: readonly (readonly [F, RegExp, string])[];
  /** [field, the field it repeats, what to say]: a repeated password that differs. */
  same?: readonly (readonly [F, F, string])[];
};

/** Every problem a form can see before sending, all at once (the browser's own checks show one bubble at a time,
 *  and a form that stops at its first finding makes the user fix and resend once per field). */
export function localErrors<F extends string>(
  values: Record<F, string>,
  rules: LocalRules<F>,
): Partial<Record<F, string>> {
  const found: Partial<Record<F, string>> = {};
  for (const name of rules.required ?? []) {
    if (!values[name].trim()) found[name] = "Required.";
  }
  for (const [name, shortest, message] of rules.minLength ?? []) {
    if (!found[name] && values[name].length < shortest) found[name] = message;
  }
  for (const [name, form, message] of rules.pattern ?? []) {
    if (!found[name] && !form.test(values[name].trim())) found[name] = message;
  }
  for (const [name, other, message] of rules.same ?? []) {
    if (!found[name] && values[name] !== values[other]) found[name] = message;
  }
  return found;
}
