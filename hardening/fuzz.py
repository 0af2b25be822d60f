"""Schema fuzzing: schemathesis against the live example server's own OpenAPI schema.

``python -m hardening fuzz [--examples 50]`` seeds a database of its own, serves the example
project (production settings, throttles as shipped) with gunicorn, and runs ``st run`` once
per identity: anonymous, student, instructor, platform admin (JWTs from ``auth/token/``) and
an external grader (``Authorization: Grader …``). Each run generates up to ``--examples``
cases per operation (plus schemathesis' coverage phase) and fails on any of:

- ``not_a_server_error``: a 5xx;
- ``status_code_conformance``: a status code the schema does not list for the operation;
- ``content_type_conformance``: a body of a media type the schema does not list;
- ``response_schema_conformance``: a body that breaks the schema of its status code.

Path parameters point at real objects (:mod:`hardening.world`), so the generated bodies and
queries reach the code behind the lookups; DELETE operations aim at objects kept for them.
Reports (JUnit XML and the console output of each run) go to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.server import Server, django_env
from hardening import live

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
#: The task each identity's task-scoped operations use: different kinds see different answers.
TASK_OF_ROLE = {
    "anonymous": "exact",
    "student": "choice",
    "instructor": "regex",
    "admin": "numeric",
    "grader": "external",
}


def path_value(world: dict[str, Any], role: str, path: str, method: str, name: str) -> Any:
    """The real object a path parameter names, or None to let schemathesis generate it."""
    relative = path.removeprefix("/api/")
    if name == "slug":
        delete_course = relative == "courses/{slug}/" and method == "DELETE"
        return world["doomed_course"] if delete_course else world["course"]
    if relative.startswith("tasks/"):
        if relative == "tasks/{id}/" and method == "DELETE":
            return world["doomed_task"]
        return world["tasks"][TASK_OF_ROLE[role]]
    if relative.startswith("submissions/"):
        return world["submission"]
    if relative.startswith("users/"):
        return world["spare_user"]
    return None


def config(schema: dict[str, Any], world: dict[str, Any], role: str, examples: int) -> str:
    """schemathesis.toml for one identity: one ``[[operations]]`` per operation with path
    parameters, naming the objects they act on."""
    lines = [f"[generation]\nmax-examples = {examples}\n"]
    for path, item in schema["paths"].items():
        shared = [p for p in item.get("parameters", []) if p.get("in") == "path"]
        for method, operation in item.items():
            if method == "parameters":
                continue
            params = shared + [p for p in operation.get("parameters", []) if p.get("in") == "path"]
            values = {}
            for param in params:
                value = path_value(world, role, path, method.upper(), param["name"])
                if value is not None:
                    values[param["name"]] = value
            if values:
                inline = ", ".join(f"{k} = {json.dumps(v)}" for k, v in values.items())
                lines.append(
                    "[[operations]]\n"
                    f"include-path = {json.dumps(path)}\n"
                    f"include-method = {json.dumps(method.upper())}\n"
                    f"parameters = {{ {inline} }}\n"
                )
    return "\n".join(lines)


def run_role(
    server: Server,
    schema_path: Path,
    config_text: str,
    role: str,
    header: str | None,
    options: argparse.Namespace,
) -> dict[str, Any]:
    config_path = options.out / f"schemathesis-{role}.toml"
    config_path.write_text(config_text)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config_path),
        "run",
        str(schema_path),
        "--url",
        server.base_url,
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(options.examples),
        "--workers",
        str(options.workers),
        "--seed",
        str(options.seed),
        "--generation-with-security-parameters",
        "false",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(options.out / f"schemathesis-{role}.xml"),
    ]
    if header:
        command += ["--header", header]
    log_path = options.out / f"schemathesis-{role}.log"
    with open(log_path, "w") as log:
        completed = subprocess.run(
            command, cwd=options.out, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    tail = log_path.read_text().strip().splitlines()[-12:]
    return {"role": role, "exit_code": completed.returncode, "log": str(log_path), "summary": tail}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50, help="cases per operation")
    parser.add_argument("--workers", type=int, default=2, help="schemathesis workers")
    parser.add_argument("--seed", type=int, default=20251125)
    parser.add_argument("--roles", default=",".join(TASK_OF_ROLE))
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "learnplat-fuzz")
    options = parser.parse_args(argv)
    options.out = options.out.resolve()
    options.out.mkdir(parents=True, exist_ok=True)
    url = live.database_url("fuzz")
    print(f"seeding {url.rsplit('/', 1)[1]}", flush=True)
    world = live.prepare(url)
    env = django_env(url, "hardening.settings", TASKS_BACKEND="immediate")
    results = []
    # gunicorn's own limit on the request line (4094 bytes: a 414 HTML page) is the web
    # server's, not the API's: lifted here so that long generated queries reach learnplat.
    server = Server(env, workers=2, log_path=options.out / "gunicorn.log", limit_request_line=0)
    with server:
        status, _, body = server.request("GET", "/api/schema/?format=json")
        assert status == 200, status
        schema = json.loads(body)
        schema_path = options.out / "openapi.json"
        schema_path.write_text(json.dumps(schema))
        tokens = live.tokens(server)
        headers = {
            "anonymous": None,
            **{role: f"Authorization: Bearer {token}" for role, token in tokens.items()},
            "grader": f"Authorization: Grader {world['grader_secret']}",
        }
        operations = sum(1 for item in schema["paths"].values() for m in item if m != "parameters")
        print(f"{operations} operations, {options.examples} cases each, per identity", flush=True)
        for role in options.roles.split(","):
            result = run_role(
                server,
                schema_path,
                config(schema, world, role, options.examples),
                role,
                headers[role],
                options,
            )
            verdict = "ok" if result["exit_code"] == 0 else f"FAILED (exit {result['exit_code']})"
            print(f"--- {role}: {verdict}  ({result['log']})", flush=True)
            print("\n".join("    " + line for line in result["summary"]), flush=True)
            results.append(result)
    failed = [r["role"] for r in results if r["exit_code"] != 0]
    print("fuzz: " + ("FAILED for " + ", ".join(failed) if failed else "every identity passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
