import { vi } from "vitest";

export type Handler = (request: Request, match: RegExpMatchArray) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function page<T>(results: T[]) {
  return { count: results.length, next: null, previous: null, results };
}

/**
 * Stubs `fetch` with a route table: keys are "METHOD /path/regex/" (anchored, query string
 * ignored). Unmatched requests fail the test loudly with a 599.
 */
export function mockApi(routes: Record<string, Handler>) {
  const calls: { method: string; path: string; url: URL; body: string; auth: string | null }[] = [];
  const table = Object.entries(routes).map(([key, handler]) => {
    const [method = "", pattern = ""] = key.split(" ", 2);
    return { method, regex: new RegExp(`^${pattern}$`), handler };
  });
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url, "http://localhost");
    const body = request.method === "GET" ? "" : await request.clone().text();
    calls.push({ method: request.method, path: url.pathname, url, body, auth: request.headers.get("Authorization") });
    for (const route of table) {
      const match = url.pathname.match(route.regex);
      if (route.method === request.method && match) return route.handler(request, match);
    }
    return json(599, { detail: `No mock for ${request.method} ${url.pathname}` });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}
