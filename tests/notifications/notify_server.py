"""A local HTTP server that speaks GOV.UK Notify's documented API for sending email, in the test process: POST
/v2/notifications/email with a JWT bearer token (HS256, signed with the API key's secret, `iss` the service id,
`iat` within 30 seconds), answering 201 with the notification, or Notify's own 400, 403, 429 and 500 bodies."""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "8b3aa916-ec82-434e-b0c5-d5d9b371d6a3"
SECRET = "dcdc3083-9e86-4b1a-a10b-2a2e7f0c6a8e"
API_KEY = f"tracker_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"

#: Notify's documented error bodies
ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
    500: ("Exception", "Internal server error"),
}


@dataclass
class Sent:
    email_address: str
    subject: str
    body: str
    reference: str | None


@dataclass
class NotifyState:
    sent: list[Sent] = field(default_factory=list)
    #: answer this status for these addresses, for ever
    answer_for: dict[str, int] = field(default_factory=dict)
    #: answer these statuses, one a request, before answering normally
    next_answers: list[int] = field(default_factory=list)
    requests: int = 0

    def to(self, address: str) -> list[Sent]:
        return [s for s in self.sent if s.email_address == address]


def error_body(status: int, message: str | None = None) -> dict:
    name, text = ERRORS.get(status, ("BadRequestError", ""))
    return {"status_code": status, "errors": [{"error": name, "message": message or text}]}


def check_token(header: str | None) -> str | None:
    """Why the token is refused, as Notify says it, or None when it is good."""
    if not header or not header.startswith("Bearer "):
        return "Unauthorized: authentication token must be provided"
    token = header.removeprefix("Bearer ")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return "Invalid token: signature, api token not found"
    if unverified.get("iss") != SERVICE_ID:
        return "Invalid token: service not found"
    try:
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.PyJWTError:
        return "Invalid token: API key not found"
    if abs(time.time() - int(claims.get("iat", 0))) > 30:
        return "Error: Your system clock must be accurate to within 30 seconds"
    return None


class Handler(BaseHTTPRequestHandler):
    state: NotifyState

    def log_message(self, *args) -> None:  # quiet
        return None

    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        state = self.state
        state.requests += 1
        payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path != "/v2/notifications/email":
            return self.answer(404, error_body(404, "Not found"))
        if refusal := check_token(self.headers.get("Authorization")):
            return self.answer(403, error_body(403, refusal))
        if state.next_answers:
            status = state.next_answers.pop(0)
            return self.answer(status, error_body(status))
        address = payload.get("email_address", "")
        if address in state.answer_for:
            status = state.answer_for[address]
            return self.answer(status, error_body(status))
        personalisation = payload.get("personalisation") or {}
        if payload.get("template_id") != TEMPLATE_ID:
            return self.answer(400, error_body(400, "Template not found"))
        missing = [name for name in ("subject", "body") if name not in personalisation]
        if missing:
            return self.answer(400, error_body(400, f"Missing personalisation: {', '.join(missing)}"))
        state.sent.append(Sent(address, personalisation["subject"], personalisation["body"], payload.get("reference")))
        notification_id = str(uuid.uuid4())
        return self.answer(
            201,
            {
                "id": notification_id,
                "reference": payload.get("reference"),
                "content": {
                    "subject": personalisation["subject"],
                    "body": personalisation["body"],
                    "from_email": "tracker@notifications.service.gov.uk",
                },
                "uri": f"http://localhost/v2/notifications/{notification_id}",
                "template": {"id": TEMPLATE_ID, "version": 1, "uri": f"http://localhost/v2/template/{TEMPLATE_ID}"},
            },
        )


class NotifyServer:
    def __init__(self):
        self.state = NotifyState()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
