// Shown for any path no route claims.
import { useLocation } from "preact-iso";

export function NotFound() {
  const { path } = useLocation();
  return (
    <section class="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>.
      </p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
  );
}
