// A failed assistant call or generation as readable text; when the LLM is the problem, admins get the settings link.

import type { Failure } from "@/features/assistant/api";
import { ApiError, errorMessage } from "@/lib/api";
import { isAdmin, useSession } from "@/lib/session";

const LLM_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** True for the failures an administrator can fix in Settings → LLM (not configured, down, slow, bad answers). */
export function isLlmProblem(code: string, status?: number): boolean {
  return code.startsWith("llm_") || (status !== undefined && LLM_STATUSES.has(status));
}

/** What went wrong, from a thrown error or a stored failure {code, message}. */
export function describeFailure(failure: unknown): { message: string; llm: boolean } {
  if (failure instanceof ApiError) {
    return { message: failure.message, llm: isLlmProblem(failure.code, failure.status) };
  }
  if (typeof failure === "object" && failure !== null && "code" in failure && "message" in failure) {
    const stored = failure as Failure;
    return { message: String(stored.message), llm: isLlmProblem(String(stored.code)) };
  }
  return { message: errorMessage(failure), llm: false };
}

type Props = { failure: unknown; id?: string };

export function AssistantError({ failure, id }: Props) {
  const { user } = useSession();
  const { message, llm } = describeFailure(failure);
  return (
    <div class="form-error" role="alert" id={id}>
      <p>{message}</p>
      {llm &&
        (isAdmin(user) ? (
          <p>
            <a href="/admin/settings">Open the LLM settings</a>
          </p>
        ) : (
          <p class="muted">An administrator can check the LLM in Settings.</p>
        ))}
    </div>
  );
}
