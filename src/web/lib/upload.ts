// Requests the JSON client cannot make: a file sent with progress (raw, or multipart), and the session's CSRF
// token such requests carry themselves (the JSON client keeps its own copy private).
import { ApiError, request } from "@/lib/api";

/** The CSRF token of this session, for requests the JSON client cannot make (uploads, streamed answers). */
export async function csrfToken(): Promise<string> {
  const me = await request<{ csrf_token: string | null }>("GET", "/api/auth/me");
  return me.csrf_token ?? "";
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The ApiError an error response's parsed body stands for (the JSON error body when there is one). */
export function errorFromBody(status: number, body: unknown): ApiError {
  const error =
    typeof body === "object" && body !== null && "error" in body ? (body.error as Record<string, unknown>) : null;
  if (error && typeof error.message === "string" && error.message) {
    return new ApiError(status, String(error.code), error.message, error.detail);
  }
  return new ApiError(status, `http_${status}`, `The server answered ${status}.`);
}

/** POSTs `body` (a raw file: give its Content-Type in `headers`; or multipart form data), reporting bytes sent;
 *  resolves with the parsed JSON answer, rejects with ApiError. */
export function sendWithProgress(
  path: string,
  body: Blob | FormData,
  headers: Record<string, string>,
  onProgress: (sent: number, total: number) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    for (const [key, value] of Object.entries(headers)) xhr.setRequestHeader(key, value);
    xhr.upload.addEventListener("progress", (event) => onProgress(event.loaded, event.total));
    xhr.addEventListener("load", () => {
      const answer = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(answer);
      else reject(errorFromBody(xhr.status, answer));
    });
    xhr.addEventListener("error", () =>
      reject(new ApiError(0, "network_error", "The upload was interrupted. Check the connection and try again.")),
    );
    xhr.send(body);
  });
}
