// The card an invite or reset link shows instead of its form while the link is checked, or when it no longer works
// (used, expired, revoked): said when the page opens, never after the form is filled in.

type Props = {
  title: string;
  /** What is being checked: "invite link", "reset link". */
  what: string;
  /** Why the link no longer works; null while it is being checked. */
  problem: string | null;
};

export function LinkCheckCard({ title, what, problem }: Props) {
  return (
    <main class="auth" id="main">
      <div class="auth__card">
        <h1>{title}</h1>
        {problem ? <p role="alert">{problem}</p> : <p role="status">Checking your {what}…</p>}
        <p>
          <a href="/login">Back to sign-in</a>
        </p>
      </div>
    </main>
  );
}
