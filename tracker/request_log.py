"""One log line per request: request id, user id, method, route, status and duration; JSON when
`[app] log_format = "json"`, so a log platform can index the fields."""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request

log = logging.getLogger("tracker.requests")
#: a request id a proxy or load balancer sent us is kept when it looks like one; anything else is replaced
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
FIELDS = ("request_id", "user_id", "method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        entry.update(getattr(record, "request", None) or {"message": record.getMessage()})
        return json.dumps(entry)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when the line is logged, as servers and test runners replace it."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def formatter_for(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(message)s")


def start_request() -> None:
    g.request_started = time.perf_counter()
    sent = request.headers.get("X-Request-Id", "")
    g.request_id = sent if REQUEST_ID.match(sent) else uuid.uuid4().hex


def signed_in_user_id() -> int | None:
    """Only a user this request already loaded: loading one here would query the database after the
    response, even when the database is what failed."""
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def log_request(response):
    if "request_started" not in g:
        return response
    fields = {
        "request_id": g.request_id,
        "user_id": signed_in_user_id(),
        "method": request.method,
        # the rule, not the path: paths can carry one-time tokens, which must not reach the logs
        "route": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
    }
    response.headers["X-Request-Id"] = g.request_id
    log.info(" ".join(f"{name}={fields[name]}" for name in FIELDS), extra={"request": fields})
    return response


def init_app(app: Flask) -> None:
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = next((h for h in log.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        log.addHandler(handler)
    handler.setFormatter(formatter_for(str(app.config.get("APP_LOG_FORMAT", "text"))))
    app.before_request(start_request)
    app.after_request(log_request)
