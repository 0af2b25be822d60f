"""A webhook receiver run as its own process by the tests: verifies each request with the
``standardwebhooks`` library and records it, one JSON line per request.

    python tests/events/receiver.py LOG SECRETS_FILE

prints ``PORT <n>`` once it listens on 127.0.0.1. ``SECRETS_FILE`` holds one secret per
line, read on every request (a test that rotates writes the new one). The path chooses the
answer: ``/ok`` 200, ``/flaky/<n>`` 500 to the first ``n`` requests of each webhook-id then
200, ``/gone`` 410, ``/redirect`` 302 to ``/ok``, ``/slow/<s>`` 200 after ``s`` seconds,
``/error`` 500 always.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOG = Path(sys.argv[1])
SECRETS = Path(sys.argv[2])
lock = threading.Lock()
tries: Counter[str] = Counter()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {key.lower(): value for key, value in self.headers.items()}
        verified_by = []
        for n, secret in enumerate(SECRETS.read_text().split()):
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            verified_by.append(n)
        event_id = headers.get("webhook-id", "")
        with lock:
            tries[event_id] += 1
            attempt = tries[event_id]
        parts = self.path.strip("/").split("/")
        code = 200
        if parts[0] == "flaky" and attempt <= int(parts[1]):
            code = 500
        elif parts[0] == "gone":
            code = 410
        elif parts[0] == "error":
            code = 500
        elif parts[0] == "redirect":
            code = 302
        elif parts[0] == "slow":
            time.sleep(float(parts[1]))
        record = {
            "path": self.path,
            "id": event_id,
            "timestamp": headers.get("webhook-timestamp"),
            "signatures": len(headers.get("webhook-signature", "").split()),
            "verified_by": verified_by,
            "body": json.loads(body or b"null"),
            "code": code,
        }
        with lock, LOG.open("a") as log:
            log.write(json.dumps(record) + "\n")
        self.send_response(code)
        if code == 302:
            self.send_header("location", "/ok")
        self.send_header("content-length", "0")
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
