// A failed call as a readable message; for LLM problems (not configured, down, slow, a bad answer) it says where
// the fix is: admins get a link to the LLM settings, everyone else is told to ask one.
import { isLlmProblem } from "@/features/training/api";
import { ApiError, errorMessage } from "@/lib/api";
import { isAdmin, useSession } from "@/lib/session";

export function Problem({ error }: { error: unknown }) {
  const { user } = useSession();
  const llm = error instanceof ApiError && isLlmProblem(error.code);
  return (
    <div class="form-error" role="alert">
      <p>{errorMessage(error)}</p>
      {llm &&
        (isAdmin(user) ? (
          <p>
            <a href="/admin/settings">Open the LLM settings</a> to set or check the model server.
          </p>
        ) : (
          <p>An administrator can check the LLM settings. JSON roadmaps can be imported without an LLM.</p>
        ))}
    </div>
  );
}
