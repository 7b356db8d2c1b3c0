// Workflows (placeholder route; the owning helper replaces this file).
export function WorkflowsPage() {
  return (
    <section class="page">
      <h1>Workflows</h1>
    </section>
  );
}
