import { api, unwrap } from "../../../api/client";
import { useQuery } from "../../../api/hooks";

/** The course's enrollments (first 100); `refreshKey` reads them again whenever it changes. */
export function useEnrollments(slug: string, refreshKey?: string) {
  return useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/courses/{slug}/enrollments/", { params: { path: { slug }, query: { page_size: 100 } }, signal }),
      ),
    [slug, refreshKey],
  );
}
