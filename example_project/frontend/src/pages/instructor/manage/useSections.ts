import { api, unwrap } from "../../../api/client";
import { useQuery } from "../../../api/hooks";

/** The course's sections, by name (course staff only: anyone else gets a 404). */
export function useSections(slug: string) {
  return useQuery(
    (signal) => unwrap(api.GET("/api/courses/{slug}/sections/", { params: { path: { slug } }, signal })),
    [slug],
  );
}
