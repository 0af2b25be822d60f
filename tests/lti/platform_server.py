"""An LTI platform's service endpoints, run as a separate process by the LTI tests.

Everything a platform checks is done by ``lti1p3platform`` (a platform implementation we did
not write): the client-credentials token request signed with the tool's key
(``get_access_token``), the bearer tokens of the AGS and NRPS calls
(``AssignmentsGradesService``, ``NamesRoleProvisioningService``). This file only stores
what they accept, in memory, and serves:

    GET  /jwks                     the platform's public keys
    POST /token                    OAuth2 client credentials (JWT assertion)
    GET, POST /lineitems           AGS line items
    POST /lineitems/<id>/scores    AGS scores
    GET  /memberships              NRPS membership
    POST /_tool_jwks               (test control) the tool's JWKS the token endpoint trusts
    POST /_members                 (test control) the membership NRPS answers
    POST /_reset                   (test control) forget line items, scores and members
    GET  /_state                   (test control) line items, scores, token requests so far
    GET  /auth                     OIDC authorization: signs the launch set by POST /_next_launch
                                   and answers with the auto-posting form a platform renders
    POST /_next_launch             (test control) who the next /auth launches, and into what

Usage: ``python platform_server.py CONFIG.json``; prints ``PORT <n>`` once listening.
"""

from __future__ import annotations

import html
import json
import sys
import threading
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
    TPage,
)

LOCK = threading.Lock()
STATE: dict[str, t.Any] = {
    "tool_jwks": None,
    "members": [],
    "lineitems": {},
    "scores": [],
    "token_requests": 0,
    "next_launch": None,
}


class Platform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.config = kwargs["config"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        registration = (
            Registration()
            .set_iss(self.config["issuer"])
            .set_client_id(self.config["client_id"])
            .set_deployment_id(self.config["deployment_id"])
            .set_platform_public_key(self.config["public_key"])
            .set_platform_private_key(self.config["private_key"])
        )
        if STATE["tool_jwks"] is not None:
            registration.set_tool_key_set(STATE["tool_jwks"])
        return registration


class HandlerRequest(Request):
    def build_metadata(self, request: t.Any) -> TRequest:
        return request  # type: ignore[no-any-return]


class Grades(AssignmentsGradesService):
    def find_lineitems(self, page: int = 1, limit: t.Any = None, **filters: t.Any) -> TPage:
        with LOCK:
            items = list(STATE["lineitems"].values())
        for key in ("resource_id", "tag", "resource_link_id"):
            camel = {
                "resource_id": "resourceId",
                "tag": "tag",
                "resource_link_id": "resourceLinkId",
            }
            if filters.get(key):
                items = [i for i in items if i.get(camel[key]) == filters[key]]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id: str) -> t.Any:
        return STATE["lineitems"][line_item_id]

    def create_lineitem(self, creation_data: t.Any) -> t.Any:
        with LOCK:
            number = str(len(STATE["lineitems"]) + 1)
            item = {**creation_data, "id": f"{BASE}/lineitems/{number}"}
            STATE["lineitems"][number] = item
        return item

    def update_lineitem(self, update_data: t.Any) -> t.Any:
        raise NotImplementedError

    def delete_lineitem(self, line_item_id: str) -> None:
        raise NotImplementedError

    def update_score(self, line_item_id: str, score: t.Any) -> UpdateScoreStatus:
        with LOCK:
            if line_item_id not in STATE["lineitems"]:
                from lti1p3platform.exceptions import LineItemNotFoundException

                raise LineItemNotFoundException
            STATE["scores"].append({"lineitem": line_item_id, **score})
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id: str, **kwargs: t.Any) -> TPage:
        return {"content": [], "has_next": False, "next": None}


class Roster(NamesRoleProvisioningService):
    def get_member_data_page(self, **kwargs: t.Any) -> TPage:
        with LOCK:
            members = [dict(m) for m in STATE["members"]]
        return {"content": members, "has_next": False, "next": None}

    def get_context_by_id(self) -> Context:
        return Context(id=CONFIG["context_id"], label="C", title="Course")


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> str:
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(launch_data[name])}">'
            for name in ("id_token", "state")
        )
        return (
            f'<form id="launch" method="post" action="{html.escape(launch_data["launch_url"])}">'
            f"{fields}</form><script>document.getElementById('launch').submit()</script>"
        )


def signed_launch(request: HandlerRequest) -> str:
    wanted = STATE["next_launch"] or {}
    registration = Platform(config=CONFIG).get_registration()
    registration.set_launch_url(request.get_data.get("redirect_uri", ""))
    launch = Launch(request, Platform(config=CONFIG))
    launch.set_user_data(wanted["sub"], wanted["roles"], wanted.get("name"), wanted.get("email"))
    launch.set_resource_link_claim(wanted.get("resource_link_id", "e2e-link"), title="learnplat")
    launch.set_launch_context_claim(CONFIG["context_id"], context_title="E2E course")
    if wanted.get("custom"):
        launch.set_custom_parameters_claim(wanted["custom"])
    return t.cast(str, launch.lti_launch())


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: t.Any) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _request(self, body: bytes) -> HandlerRequest:
        parts = urlsplit(self.path)
        content_type = self.headers.get("Content-Type", "")
        return HandlerRequest(
            {
                "method": self.command,
                "form_data": dict(parse_qsl(body.decode())) if "form" in content_type else {},
                "get_data": dict(parse_qsl(parts.query)),
                "headers": dict(self.headers.items()),
                "content_type": content_type,
                "path": parts.path,
                "json": json.loads(body) if body and "json" in content_type else None,
            }
        )

    def _send(self, code: int, payload: t.Any, media_type: str = "application/json") -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _service(self, response: t.Any) -> None:
        if 200 <= response.code < 300:
            result = response.result
            if isinstance(result, dict) and "content" in result:
                result = result["content"]
            self._send(response.code, result, response.media_type)
        else:
            self._send(response.code, {"error": response.message})

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        request = self._request(b"")
        platform = Platform(config=CONFIG)
        platform.get_registration()
        if path == "/jwks":
            self._send(200, platform.get_jwks())
        elif path == "/lineitems":
            service = Grades(request, platform, f"{BASE}/lineitems")
            self._service(service.handle_resp(service.handle_get_lineitems))
        elif path == "/memberships":
            service = Roster(request, platform, f"{BASE}/memberships")
            self._service(service.handle_resp(service.handle_get_members))
        elif path == "/auth":
            body = signed_launch(request).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/_state":
            with LOCK:
                self._send(200, {k: v for k, v in STATE.items() if k != "tool_jwks"})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        request = self._request(body)
        platform = Platform(config=CONFIG)
        platform.get_registration()
        if path == "/_reset":
            with LOCK:
                STATE.update(members=[], lineitems={}, scores=[], token_requests=0)
            self._send(204, None)
        elif path == "/_tool_jwks":
            STATE["tool_jwks"] = json.loads(body)
            self._send(204, None)
        elif path == "/_next_launch":
            STATE["next_launch"] = json.loads(body)
            self._send(204, None)
        elif path == "/_members":
            STATE["members"] = json.loads(body)
            self._send(204, None)
        elif path == "/token":
            with LOCK:
                STATE["token_requests"] += 1
            try:
                self._send(200, platform.get_access_token(request.form_data))
            except Exception as exc:  # the platform library refused the assertion
                self._send(400, {"error": "invalid_client", "detail": str(exc)})
        elif path == "/lineitems":
            service = Grades(request, platform, f"{BASE}/lineitems")
            self._service(service.handle_resp(service.handle_create_lineitem))
        elif path.startswith("/lineitems/") and path.endswith("/scores"):
            number = path.split("/")[2]
            service = Grades(request, platform, f"{BASE}/lineitems")
            self._service(service.handle_resp(service.handle_update_score, line_item_id=number))
        else:
            self._send(404, {"error": "not found"})


if __name__ == "__main__":
    with open(sys.argv[1]) as handle:
        CONFIG = json.load(handle)
    if "private_key" not in CONFIG:  # the end-to-end run gives no keys: make the platform's own
        from jwcrypto.jwk import JWK

        key = JWK.generate(kty="RSA", size=2048)
        CONFIG["private_key"] = key.export_to_pem(private_key=True, password=None).decode()
        CONFIG["public_key"] = key.export_to_pem().decode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    BASE = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()
