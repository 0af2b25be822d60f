/** Which way a task moves: one place up (-1) or down (+1). */
export type MoveDirection = -1 | 1;

/**
 * "Move up" / "Move down" for one task of a list. Each button is named after the task
 * ("Move Sum up"), and carries data attributes so the list can put focus back on the moved
 * task's button once the server's order is shown.
 */
export function MoveButtons({
  taskId,
  title,
  first,
  last,
  busy,
  onMove,
}: {
  taskId: number;
  title: string;
  first: boolean;
  last: boolean;
  busy: boolean;
  onMove: (direction: MoveDirection) => void;
}) {
  return (
    <span className="row" role="group" aria-label={`Order of “${title}”`}>
      <button
        type="button"
        className="secondary"
        data-move="up"
        data-task={taskId}
        aria-label={`Move “${title}” up`}
        // aria-disabled keeps a busy button focusable, so focus does not fall to the page.
        aria-disabled={busy || undefined}
        disabled={first}
        onClick={() => busy || onMove(-1)}
      >
        ↑
      </button>
      <button
        type="button"
        className="secondary"
        data-move="down"
        data-task={taskId}
        aria-label={`Move “${title}” down`}
        aria-disabled={busy || undefined}
        disabled={last}
        onClick={() => busy || onMove(1)}
      >
        ↓
      </button>
    </span>
  );
}
