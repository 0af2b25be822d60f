import { useState } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import { useMutation } from "../api/useMutation";
import { useDocumentTitle } from "../components/Layout";
import { NotificationPreferencesForm } from "../components/NotificationPreferencesForm";
import { Pagination } from "../components/Pagination";
import { ErrorMessage, QueryView } from "../components/Status";
import { formatDateTime, plural } from "../format";
import { describe, linkOf, notificationsChanged, type AppNotification } from "../notifications/notifications";

const PAGE_SIZE = 20;

/** The caller's notifications, newest first, with "mark read", and their preferences below. */
export function NotificationsPage() {
  useDocumentTitle("Notifications");
  const [page, setPage] = useState(1);
  const list = useQuery(
    async (signal) =>
      unwrap(api.GET("/api/notifications/", { params: { query: { page, page_size: PAGE_SIZE } }, signal })),
    [page],
  );
  const markRead = useMutation(async (body: { ids: number[] } | { all: true }) => {
    await unwrap(api.POST("/api/notifications/read/", { body }));
    notificationsChanged();
    await list.reload();
  });

  return (
    <>
      <h1>Notifications</h1>
      <QueryView query={list} loadingLabel="Loading your notifications…">
        {(data) => {
          const unread = data.results.some((n) => n.read_at === null);
          return (
            <section className="stack" aria-labelledby="notifications-heading">
              <div className="row row--between">
                <h2 id="notifications-heading" style={{ margin: 0, fontSize: "1.1rem" }}>
                  {data.count === 0 ? "Nothing yet" : plural(data.count, "notification")}
                </h2>
                {unread && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={markRead.busy}
                    onClick={() => void markRead.run({ all: true })}
                  >
                    Mark all read
                  </button>
                )}
              </div>
              <ErrorMessage error={markRead.error} />
              {data.count === 0 ? (
                <p className="muted">Grades, grade changes and deadlines that come close will show up here.</p>
              ) : (
                <ul className="notification-list">
                  {data.results.map((notification) => (
                    <NotificationItem
                      key={notification.id}
                      notification={notification}
                      busy={markRead.busy}
                      onRead={() => void markRead.run({ ids: [notification.id] })}
                    />
                  ))}
                </ul>
              )}
              <Pagination page={page} pageSize={PAGE_SIZE} count={data.count} onPage={setPage} />
            </section>
          );
        }}
      </QueryView>
      <section className="stack" aria-labelledby="preferences-heading">
        <h2 id="preferences-heading">Preferences</h2>
        <NotificationPreferencesForm />
      </section>
    </>
  );
}

function NotificationItem({
  notification,
  busy,
  onRead,
}: {
  notification: AppNotification;
  busy: boolean;
  onRead: () => void;
}) {
  const text = describe(notification);
  const link = linkOf(notification);
  const unread = notification.read_at === null;
  return (
    <li className={unread ? "card notification notification--unread" : "card notification"}>
      <div className="notification__body">
        <div>
          {unread && <span className="visually-hidden">Unread: </span>}
          {link ? <Link to={link}>{text}</Link> : text}
        </div>
        <div className="muted small">{formatDateTime(notification.created)}</div>
      </div>
      {unread && (
        <button type="button" className="link" disabled={busy} onClick={onRead} aria-label={`Mark read: ${text}`}>
          Mark read
        </button>
      )}
    </li>
  );
}
