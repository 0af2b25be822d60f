# The front end build of scripts/demo (sourced, not run): `npm ci` and `npm run build` run only
# when dist/ is missing or the build's inputs changed since the last build by this script.
#
# The inputs are hashed into FRONTEND/.build-stamp after a successful build: src/, public/,
# index.html, package.json, package-lock.json and the vite and TypeScript configs (every file,
# with its path, so a rename or a deleted file counts too). node_modules/ and dist/ are not
# inputs: a fresh `npm ci` of the same lockfile builds the same app.

# frontend_sources_hash FRONTEND: one hash of the build's inputs.
frontend_sources_hash() {
    (
        cd "$1"
        local input inputs=()
        for input in src public index.html package.json package-lock.json vite.config.ts tsconfig*.json; do
            if [ -e "$input" ]; then inputs+=("$input"); fi
        done
        find "${inputs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum |
            cut -d' ' -f1
    )
}

# frontend_needs_build FRONTEND: succeeds (0) when dist/ must be built, with the reason on stdout.
frontend_needs_build() {
    local frontend=$1
    if [ ! -f "$frontend/dist/index.html" ]; then
        echo "dist/ has no build"
    elif [ ! -f "$frontend/.build-stamp" ]; then
        echo "dist/ was not built by scripts/demo"
    elif [ "$(cat "$frontend/.build-stamp")" != "$(frontend_sources_hash "$frontend")" ]; then
        echo "the sources or the lockfile changed since the last build"
    else
        return 1
    fi
}

# write_frontend_stamp FRONTEND: record the inputs dist/ was just built from.
write_frontend_stamp() {
    frontend_sources_hash "$1" >"$1/.build-stamp"
}

# build_frontend FRONTEND: build the React app into dist/, which the example project's site root
# serves when it exists (demo/views.py). Skipped without Node.js: the landing page shows.
build_frontend() {
    local frontend=$1 reason
    if [ ! -f "$frontend/package.json" ]; then
        return 0
    fi
    if ! reason="$(frontend_needs_build "$frontend")"; then
        echo "==> Front end up to date (example_project/frontend/.build-stamp): not rebuilding"
        return 0
    fi
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        echo "==> Node.js/npm not found: skipping the front end build (the landing page is served)"
        return 0
    fi
    echo "==> Building the front end: $reason"
    (
        cd "$frontend"
        rm -f .build-stamp # a failed build leaves none, so the next run builds again
        if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
        npm run build
    )
    write_frontend_stamp "$frontend"
}
