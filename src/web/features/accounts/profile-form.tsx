// Edit the own profile; only changed fields are sent, and an emptied field is cleared.
import { useState } from "preact/hooks";
import { FormField, TextAreaField } from "@/components/form-field";
import { TimeZoneList } from "@/components/time-zone-list";
import { useToast } from "@/components/toast";
import { DATE_FIELDS, PROFILE_FIELDS, type ProfileField, type ProfilePatch, updateMe } from "@/features/accounts/api";
import { type User, useSession } from "@/lib/session";
import { useFormSubmit } from "@/lib/use-form-submit";

export type ProfileValues = Record<ProfileField, string>;

export function profileValues(user: User): ProfileValues {
  return {
    display_name: user.display_name,
    job_title: user.job_title,
    team: user.team,
    rank: user.rank,
    skills: user.skills,
    time_zone: user.time_zone,
    away_from: user.away_from ?? "",
    away_until: user.away_until ?? "",
  };
}

/** The fields whose trimmed value differs from the saved one ("" clears a field). */
export function changedFields(saved: ProfileValues, edited: ProfileValues): ProfilePatch {
  const patch: ProfilePatch = {};
  for (const name of PROFILE_FIELDS) {
    const value = edited[name].trim();
    if (value !== saved[name]) patch[name] = value === "" && DATE_FIELDS.includes(name) ? null : value;
  }
  return patch;
}

export function ProfileForm() {
  const { user, setUser } = useSession();
  const [values, setValues] = useState<ProfileValues>(() => profileValues(user));
  const { busy, errors, formError, run } = useFormSubmit(PROFILE_FIELDS);
  const toast = useToast();
  const patch = changedFields(profileValues(user), values);
  const dirty = Object.keys(patch).length > 0;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!dirty) return;
    await run(async () => {
      const updated = await updateMe(patch);
      setUser(updated);
      setValues(profileValues(updated));
      toast("Profile saved.", "success");
    });
  }

  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <p class="muted">Empty a field and save to clear it.</p>
      <ProfileInputs idPrefix="profile" values={values} setValues={setValues} errors={errors} />
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <button type="submit" class="button button--primary" disabled={busy || !dirty}>
        {busy ? "Saving…" : "Save profile"}
      </button>
    </form>
  );
}

type InputsProps = {
  idPrefix: string;
  values: ProfileValues;
  setValues: (update: (values: ProfileValues) => ProfileValues) => void;
  errors: Partial<ProfileValues>;
};

/** The profile inputs, shared by the own profile and the administrator's user editor. */
export function ProfileInputs({ idPrefix, values, setValues, errors }: InputsProps) {
  const field = (name: ProfileField) => ({
    id: `${idPrefix}-${name.replace("_", "-")}`,
    value: values[name],
    error: errors[name],
    onInput: (value: string) => setValues((all) => ({ ...all, [name]: value })),
  });
  const zones = `${idPrefix}-zones`;
  return (
    <>
      <div class="grid-2">
        <FormField {...field("display_name")} label="Display name" autocomplete="off" maxLength={120} />
        <FormField {...field("job_title")} label="Job title" autocomplete="off" maxLength={120} />
        <FormField {...field("team")} label="Team" autocomplete="off" maxLength={120} />
        <FormField {...field("rank")} label="Rank" autocomplete="off" maxLength={120} />
      </div>
      <TextAreaField {...field("skills")} label="Skills" hint="For example: Python, networking, Linux." />
      <FormField
        {...field("time_zone")}
        label="Time zone"
        list={zones}
        autocomplete="off"
        hint="Empty uses the appliance's time zone. A name like Europe/Berlin or UTC."
      />
      <TimeZoneList id={zones} />
      <fieldset class="check-group">
        <legend>Away / out of office</legend>
        <p class="muted">
          Both days included. Standup reminders skip you then, and the day's standups list you as away.
        </p>
        <div class="grid-2">
          <FormField {...field("away_from")} label="Away from" type="date" />
          <FormField {...field("away_until")} label="Away until" type="date" />
        </div>
      </fieldset>
    </>
  );
}
