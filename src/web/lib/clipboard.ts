// Copy text for the user. The async Clipboard API needs a secure context (HTTPS or localhost); an appliance
// reached over plain HTTP on the LAN falls back to selecting a visible input and the legacy copy command.

export async function copyText(text: string, visibleInput?: HTMLInputElement | null): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused: try the fallback.
    }
  }
  if (!visibleInput) return false;
  visibleInput.focus();
  visibleInput.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}
