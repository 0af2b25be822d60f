/** Which way a task moves: one place up (-1) or down (+1). */
export type MoveDirection = -1 | 1;

/**
 * "Move up" / "Move down" for one task of a list. Each button is named after the task
 * ("Move “Sum” up") and carries data attributes so the list can put focus back on it once
 * the server's order is shown.
 *
 * A button that cannot act (the first task's "up", the last one's "down", any while a move
 * is saved) is `aria-disabled`, not `disabled`: a disabled button loses the focus, and the
 * keyboard user who just moved a task to the end would be thrown back to the page's start.
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
  const button = (direction: MoveDirection, blocked: boolean) => {
    const way = direction === -1 ? "up" : "down";
    return (
      <button
        type="button"
        className="secondary"
        data-move={way}
        data-task={taskId}
        aria-label={`Move “${title}” ${way}`}
        aria-disabled={blocked || busy || undefined}
        onClick={() => {
          if (!blocked && !busy) onMove(direction);
        }}
      >
        {direction === -1 ? "↑" : "↓"}
      </button>
    );
  };
  return (
    <span className="row" role="group" aria-label={`Order of “${title}”`}>
      {button(-1, first)}
      {button(1, last)}
    </span>
  );
}
