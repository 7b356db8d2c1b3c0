// "Also revoke my API tokens", next to the actions that may do so (password change, sign out everywhere).

type Props = { id: string; checked: boolean; onChange: (checked: boolean) => void };

/** Ticked by default: when a password may have leaked, tokens made with the old one should go too. */
export function RevokeTokensCheckbox({ id, checked, onChange }: Props) {
  const hint = `${id}-hint`;
  return (
    <div class="field">
      <label class="checkbox">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-describedby={hint}
          onChange={(event) => onChange(event.currentTarget.checked)}
        />
        Also revoke my API tokens
      </label>
      <p id={hint} class="field__hint">
        Scripts that use them stop working; you can create new ones below.
      </p>
    </div>
  );
}
