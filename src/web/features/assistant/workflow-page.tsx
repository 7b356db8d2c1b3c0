// Workflow (placeholder route; the owning helper replaces this file).
export function WorkflowPage() {
  return (
    <section class="page">
      <h1>Workflow</h1>
    </section>
  );
}
