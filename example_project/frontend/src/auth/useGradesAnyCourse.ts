import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import { isInstructor, useAuth } from "./AuthContext";

/**
 * Whether the logged-in user grades in some course: platform instructors and admins always;
 * anyone else (an assistant is a platform student) when `courses/?mine=teaching` finds a
 * course they are staff of. `checking` is true while that is being asked.
 */
export function useGradesAnyCourse(): { grades: boolean; checking: boolean } {
  const { user } = useAuth();
  const ask = user !== null && !isInstructor(user);
  const teaching = useQuery(
    (signal) =>
      ask
        ? unwrap(api.GET("/api/courses/", { params: { query: { mine: "teaching", page_size: 1 } }, signal }))
        : Promise.resolve(null),
    [user?.id, ask],
  );
  if (!user) return { grades: false, checking: false };
  if (!ask) return { grades: true, checking: false };
  return { grades: (teaching.data?.count ?? 0) > 0, checking: teaching.loading };
}
