#!/usr/bin/env bash
# Regenerate src/api/schema.d.ts from the Django project's OpenAPI schema (drf-spectacular),
# so every request and response the app uses is typed by the server's own description.
#
#   npm run gen:api     rewrite src/api/schema.d.ts
#   npm run check:api   exit 1 when the committed file is stale (CI calls this)
#
# The schema comes from example_project/manage.py when the example project exists, else from
# the learnplat test host (tests.projects.learnplat_user.settings); both mount the API at /api/.
# PYTHON picks the interpreter (default: python, then python3).
set -euo pipefail

mode=write
[[ "${1:-}" == "--check" ]] && mode=check

frontend="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$frontend/../.." && pwd)"
target="$frontend/src/api/schema.d.ts"
python="${PYTHON:-$(command -v python || command -v python3)}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

export PYTHONPATH="$root/src:$root${PYTHONPATH:+:$PYTHONPATH}"
if [[ -f "$root/example_project/manage.py" ]]; then
  (cd "$root" && "$python" example_project/manage.py spectacular --format openapi-json --file "$tmp/openapi.json")
else
  (cd "$root" && DJANGO_SETTINGS_MODULE=tests.projects.learnplat_user.settings \
    "$python" -m django spectacular --format openapi-json --file "$tmp/openapi.json")
fi

# --default-non-nullable false: a property with a default is optional unless the schema lists it
# as required, as the server treats it (`late_policy: {}`, an enrollment without `role`).
"$frontend/node_modules/.bin/openapi-typescript" "$tmp/openapi.json" --default-non-nullable false \
  --output "$tmp/schema.d.ts" >/dev/null

if [[ "$mode" == check ]]; then
  if ! diff -u "$target" "$tmp/schema.d.ts" >"$tmp/diff"; then
    head -n 60 "$tmp/diff" >&2
    echo "src/api/schema.d.ts is stale: run 'npm run gen:api' in example_project/frontend and commit it." >&2
    exit 1
  fi
  echo "src/api/schema.d.ts matches the OpenAPI schema."
else
  cp "$tmp/schema.d.ts" "$target"
  echo "wrote $target"
fi
