"""``python -m hardening fuzz|soak|faults [options]``: one live hardening run.

Each writes what it did to the console and exits non-zero when a guarantee of
docs/reliability.md does not hold. ``python -m hardening <run> --help`` lists its options.
"""

from __future__ import annotations

import sys

from benchmarks.server import ensure_import_path


def main() -> int:
    ensure_import_path()
    runs = ("fuzz", "soak", "faults")
    if len(sys.argv) < 2 or sys.argv[1] not in runs:
        print(f"usage: python -m hardening {{{','.join(runs)}}} [options]", file=sys.stderr)
        return 2
    name, argv = sys.argv[1], sys.argv[2:]
    module = __import__(f"hardening.{name}", fromlist=["main"])
    return int(module.main(argv))


if __name__ == "__main__":
    sys.exit(main())
