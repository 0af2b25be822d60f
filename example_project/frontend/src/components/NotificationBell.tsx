import { useEffect } from "react";
import { Link, useLocation } from "react-router";
import { api, unwrap } from "../api/client";
import { useInterval, useQuery } from "../api/hooks";
import { NOTIFICATIONS_CHANGED, notificationEvents } from "../notifications/notifications";
import "../notifications/notifications.css";

/** How often the bell asks for the unread count while the page stays open. */
export const BELL_POLL_MS = 60_000;

/**
 * A link to the notifications page with the caller's unread count. It refetches on every
 * navigation, every minute, and when the notifications page marks some read. A failed count
 * shows the bell without a number rather than an error in the header.
 */
export function NotificationBell() {
  const location = useLocation();
  const unread = useQuery(
    async (signal) =>
      (await unwrap(api.GET("/api/notifications/", { params: { query: { unread: "true", page_size: 1 } }, signal })))
        .count,
    [location.pathname],
  );
  const { reload } = unread;
  useInterval(() => void reload(), BELL_POLL_MS, true);
  useEffect(() => {
    const refetch = () => void reload();
    notificationEvents.addEventListener(NOTIFICATIONS_CHANGED, refetch);
    return () => notificationEvents.removeEventListener(NOTIFICATIONS_CHANGED, refetch);
  }, [reload]);

  const count = unread.error ? undefined : unread.data;
  const label = count ? `Notifications, ${count} unread` : "Notifications";
  return (
    <Link to="/notifications" className="bell" aria-label={label} title={label}>
      <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </svg>
      {count ? (
        <span className="bell__count" aria-hidden="true">
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </Link>
  );
}
