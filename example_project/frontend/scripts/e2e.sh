#!/usr/bin/env bash
# End-to-end run of the front end against the example project, from nothing:
#   a fresh SQLite database → migrate → seed_demo → build the front end → runserver on a free
#   loopback port → Playwright (Debian's Chromium) → stop the server.
#
#   npm run e2e                      everything
#   npm run e2e -- e2e/student.spec.ts --headed=false   extra arguments go to `playwright test`
#
# Environment: PYTHON (default: python, then python3), CHROMIUM_PATH (default /usr/bin/chromium),
# E2E_SKIP_BUILD=1 to reuse dist/. Screenshots land in e2e/screenshots/.
set -euo pipefail

frontend="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$frontend/../.." && pwd)"
python="${PYTHON:-$(command -v python || command -v python3)}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [[ ! -f "$root/example_project/manage.py" ]]; then
  echo "e2e: example_project/manage.py not found; the end-to-end tests need the example project." >&2
  exit 1
fi
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  echo "e2e: no Chromium at $CHROMIUM_PATH (Debian: apt-get install -y chromium)." >&2
  exit 1
fi

cd "$frontend"
[[ -d node_modules ]] || npm ci --no-audit --no-fund
if [[ "${E2E_SKIP_BUILD:-0}" != 1 || ! -f dist/index.html ]]; then
  npm run build
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The example project's settings read these (docs/demo.md); nothing outside $work is touched.
export DATABASE_URL="sqlite:///$work/e2e.sqlite3"
export DEBUG=1
export TASKS_BACKEND=immediate
# Every spec registers its own users, more than the demo's 20 an hour from one address.
export REGISTER_RATE=1000/hour
export PYTHONPATH="$root/src:$root${PYTHONPATH:+:$PYTHONPATH}"
manage() { (cd "$root/example_project" && "$python" manage.py "$@"); }

manage migrate --noinput >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
manage seed_demo

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base_url="http://127.0.0.1:$port"
manage runserver "127.0.0.1:$port" --noreload >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  if "$python" - "$base_url/api/courses/" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2)
PY
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.5
done

echo "e2e: example project on $base_url"
status=0
E2E_BASE_URL="$base_url" npx playwright test "$@" || status=$?
if [[ $status -ne 0 ]]; then
  echo "---- server log (last 80 lines) ----" >&2
  tail -n 80 "$work/server.log" >&2
fi
exit $status
