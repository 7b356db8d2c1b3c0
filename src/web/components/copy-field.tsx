// A read-only value (a new token, an invite link) with a Copy button.
import type { ComponentChildren } from "preact";
import { useRef, useState } from "preact/hooks";
import { useToast } from "@/components/toast";
import { copyText } from "@/lib/clipboard";

type Props = { id: string; label: string; value: string; hint?: ComponentChildren };

export function CopyField({ id, label, value, hint }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const toast = useToast();

  async function copy() {
    const ok = await copyText(value, input.current);
    setCopied(ok);
    if (!ok) toast("Copying did not work here. Select the text and copy it by hand.", "error");
  }

  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} class="field__hint">
          {hint}
        </p>
      )}
      <div class="copy-field">
        <input
          ref={input}
          id={id}
          type="text"
          readOnly
          value={value}
          spellcheck={false}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" class="button" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <p class="visually-hidden" aria-live="polite">
        {copied ? "Copied to the clipboard." : ""}
      </p>
    </div>
  );
}
