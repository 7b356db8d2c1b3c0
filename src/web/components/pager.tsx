// Previous / next through a paged list, with "21–40 of 95" between.

type Props = {
  total: number;
  offset: number;
  pageSize: number;
  /** What the list holds, for the landmark and the count: "tasks". */
  noun: string;
  onOffset: (offset: number) => void;
};

export function Pager({ total, offset, pageSize, noun, onOffset }: Props) {
  if (total <= pageSize && offset === 0) {
    return <p class="muted">{total === 1 ? `1 ${noun.replace(/s$/, "")}` : `${total} ${noun}`}</p>;
  }
  const last = Math.min(offset + pageSize, total);
  return (
    <nav class="pager" aria-label={`Pages of ${noun}`}>
      <button
        type="button"
        class="button"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - pageSize))}
      >
        Previous
      </button>
      <span role="status">
        {total === 0 ? 0 : Math.min(offset + 1, total)}–{last} of {total}
      </span>
      <button type="button" class="button" disabled={last >= total} onClick={() => onOffset(offset + pageSize)}>
        Next
      </button>
    </nav>
  );
}
