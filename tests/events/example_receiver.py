"""A webhook receiver for learnplat: verify the signature, ignore repeats, answer fast.

    WEBHOOK_SECRET=whsec_... python example_receiver.py 8000

Only the standard library and ``standardwebhooks`` (``pip install standardwebhooks``).
"""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

# During a rotation learnplat signs with the old and the new secret: either verifies.
webhook = Webhook(os.environ["WEBHOOK_SECRET"])
# Delivery is at least once: the same event may come twice, always with the same id.
# Keep the ids you handled somewhere durable (a unique column) in a real receiver.
seen: set[str] = set()


def handle(event: dict[str, Any]) -> None:
    """Your code: here, one line per event on stdout."""
    print(event["type"], event["id"], json.dumps(event["data"], sort_keys=True), flush=True)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        try:
            # Checks webhook-signature against webhook-id, webhook-timestamp and the raw
            # body, and refuses timestamps more than 5 minutes away (replayed requests).
            event = webhook.verify(body, dict(self.headers.items()))
        except WebhookVerificationError:
            self.answer(400)
            return
        if event["id"] not in seen:
            seen.add(event["id"])
            handle(event)
        # Any 2xx is a delivery; 410 tells learnplat to stop sending to this URL; anything
        # else (or no answer within its timeout) is retried later.
        self.answer(204)

    def answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep stdout for the events


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
