// SITREPs (placeholder route; the owning helper replaces this file).
export function SitrepsPage() {
  return (
    <section class="page">
      <h1>SITREPs</h1>
    </section>
  );
}
