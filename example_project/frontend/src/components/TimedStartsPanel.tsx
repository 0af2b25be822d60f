import { useId, useState } from "react";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import type { TaskStartRecord } from "../api/types";
import { useMutation } from "../api/useMutation";
import { formatDateTime, fullName } from "../format";
import { ErrorMessage, Notice, QueryView } from "./Status";

/**
 * The staff's view of a timed task's starts (`GET tasks/{id}/starts/`): who started, when,
 * their deadline, and a Restart button on each current start (`DELETE
 * tasks/{id}/starts/{user_id}/`), which lets the student start again. Restarted starts stay
 * listed as history.
 */
export function TimedStartsPanel({ taskId }: { taskId: number }) {
  const id = useId();
  const starts = useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/tasks/{task_pk}/starts/", {
          params: { path: { task_pk: taskId }, query: { page_size: 100 } },
          signal,
        }),
      ),
    [taskId],
  );
  const [done, setDone] = useState<string | null>(null);
  const restart = useMutation(async (start: TaskStartRecord) => {
    await unwrap(
      api.DELETE("/api/tasks/{task_pk}/starts/{user_id}/", {
        params: { path: { task_pk: taskId, user_id: start.user.id } },
      }),
    );
    setDone(`${fullName(start.user)} may start the task again.`);
    await starts.reload();
  });

  function confirmRestart(start: TaskStartRecord) {
    const question = `Restart the timed attempt of ${fullName(start.user)}? They start again with a new deadline; their submissions stay.`;
    if (!window.confirm(question)) return;
    setDone(null);
    void restart.run(start);
  }

  return (
    <section className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} style={{ marginTop: 0 }}>
        Timed starts
      </h2>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={restart.error} />
      <QueryView query={starts} loadingLabel="Loading starts…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">No student has started this task yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Timed starts</caption>
                <thead>
                  <tr>
                    <th scope="col">Student</th>
                    <th scope="col">Started</th>
                    <th scope="col">Deadline</th>
                    <th scope="col">Restarted</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.results.map((start) => (
                    <tr key={start.id}>
                      <td>{fullName(start.user)}</td>
                      <td>{formatDateTime(start.started_at)}</td>
                      <td>{formatDateTime(start.deadline)}</td>
                      <td>
                        {start.restarted_at
                          ? `${formatDateTime(start.restarted_at)}${start.restarted_by ? ` by ${fullName(start.restarted_by)}` : ""}`
                          : "—"}
                      </td>
                      <td>
                        {start.restarted_at === null && (
                          <button
                            type="button"
                            className="secondary"
                            disabled={restart.busy}
                            aria-label={`Restart ${fullName(start.user)}`}
                            onClick={() => confirmRestart(start)}
                          >
                            Restart
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}
