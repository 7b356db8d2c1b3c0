// Code review (placeholder route; the owning helper replaces this file).
export function ReviewPage() {
  return (
    <section class="page">
      <h1>Code review</h1>
    </section>
  );
}
