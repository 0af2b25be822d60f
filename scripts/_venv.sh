# Shared by scripts/demo and scripts/test (sourced, not run): finds a Python 3.11+, makes
# .venv beside the repository and installs learnplat editable with dependency groups.
#
#   VENV=/path/to/venv   use another virtualenv location (default: <repo>/.venv)
#   PYTHON=python3.12    use this interpreter to create it

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$REPO_ROOT/.venv}"

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: learnplat needs Python 3.11 or newer (tried python3.13, 3.12, 3.11, python3)." >&2
    return 1
}

# ensure_venv GROUP...: create $VENV if needed and install `-e .` with the dependency groups.
# A stamp of pyproject.toml per group set skips the install when nothing changed.
ensure_venv() {
    local python stamp wanted
    if [ ! -x "$VENV/bin/python" ]; then
        python="$(find_python)"
        echo "==> Creating $VENV with $("$python" --version 2>&1)"
        "$python" -m venv "$VENV"
    fi
    wanted="$(cksum <"$REPO_ROOT/pyproject.toml") $*"
    stamp="$VENV/.learnplat-install-$(echo "$*" | tr ' ' '-')"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    echo "==> Installing learnplat (editable) with dependency groups: $*"
    # pip 25.1 is the first to install PEP 735 dependency groups (--group).
    "$VENV/bin/python" -m pip install --quiet --upgrade "pip>=25.1"
    local args=(--quiet --editable "$REPO_ROOT")
    local group
    for group in "$@"; do
        args+=(--group "$REPO_ROOT/pyproject.toml:$group")
    done
    "$VENV/bin/python" -m pip install "${args[@]}"
    echo "$wanted" >"$stamp"
}
