// Training (placeholder route; the owning helper replaces this file).
export function TrainingPage() {
  return (
    <section class="page">
      <h1>Training</h1>
    </section>
  );
}
