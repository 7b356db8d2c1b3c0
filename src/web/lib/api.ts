// The one HTTP client: JSON in and out, CSRF header, error envelope -> ApiError, expired session -> login page.
import { loginPath } from "@/lib/navigation";

export type FieldError = { field: string; message: string };

/** Any failed call. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;

  constructor(status: number, code: string, message: string, detail?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RequestOptions = {
  body?: unknown;
  /** Non-2xx statuses whose JSON body is a normal answer (e.g. 503 from the readiness check). */
  acceptStatus?: readonly number[];
  /** false for the auth calls themselves: their 401 is an answer, not an expired session. */
  redirectOnUnauthorized?: boolean;
};

let csrfToken: string | null = null;
let leavingForLogin = false;

/** Set from the login, setup and me responses; sent as X-CSRF-Token on every non-GET request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options.body);
  if (response.ok || options.acceptStatus?.includes(response.status)) {
    return (response.status === 204 ? undefined : await readJson(response, true)) as T;
  }
  const error = await toApiError(response);
  if (error.status === 401 && options.redirectOnUnauthorized !== false) {
    goToLogin();
  }
  throw error;
}

async function send(method: Method, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error", "Cannot reach the DevCell server. Check the connection and try again.");
  }
}

async function readJson(response: Response, required: boolean): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    if (!required) return undefined;
    throw new ApiError(response.status, "invalid_response", "The server sent an answer the page cannot read.");
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const body = await readJson(response, false);
  const error = typeof body === "object" && body !== null && "error" in body ? body.error : undefined;
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    const detail = "detail" in error ? error.detail : undefined;
    return new ApiError(response.status, String(error.code), String(error.message), detail);
  }
  const text = `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, `http_${response.status}`, `${text}.`);
}

// A full page load, not an in-app route: nothing from the expired session survives in memory.
function goToLogin(): void {
  if (leavingForLogin || location.pathname === "/login") return;
  leavingForLogin = true;
  location.assign(loginPath(location.pathname + location.search));
}

/** `path?key=value&...`, leaving out parameters that are undefined, null or "". */
export function withQuery(path: string, params: Record<string, string | number | boolean | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** Readable text for any thrown value, for toasts and form-level messages. */
export function errorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : "Something went wrong. Reload the page and try again.";
}

/** Splits a failed call into messages for the form's own fields and one message for the rest. */
export function formErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
): { fields: Partial<Record<F, string>>; form: string } {
  const byField: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const item of validationErrors(error)) {
    if ((fields as readonly string[]).includes(item.field)) byField[item.field as F] ??= sentence(item.message);
    else rest.push(`${item.field.replaceAll("_", " ")}: ${stop(item.message.trim())}`);
  }
  const hasFieldErrors = Object.keys(byField).length > 0;
  return { fields: byField, form: rest.length > 0 ? rest.join(" ") : hasFieldErrors ? "" : errorMessage(error) };
}

/** A field's message as a sentence under its label: "use at least 10 characters" -> "Use at least 10 characters." */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  return stop(text.charAt(0).toUpperCase() + text.slice(1));
}

function stop(text: string): string {
  return !text || /[.!?)]$/.test(text) ? text : `${text}.`;
}

function validationErrors(error: unknown): FieldError[] {
  if (!(error instanceof ApiError) || error.status !== 422 || !Array.isArray(error.detail)) return [];
  return error.detail.filter(
    (item: unknown): item is FieldError =>
      typeof item === "object" && item !== null && "field" in item && "message" in item,
  );
}
