"""One log line per request with its request id, user id, route, status and duration; JSON when configured."""

import json
import re

import pytest

from tests.conftest import HEAD, make_app
from tracker import request_log
from tracker.auth.services import find_user

LINE = re.compile(r"request_id=(\S+) user_id=(\S+) method=(\S+) route=(\S+) status=(\d+) duration_ms=([\d.]+)$")


def request_lines(captured: str) -> list[str]:
    return [line for line in captured.splitlines() if "request_id" in line]


@pytest.fixture
def json_logging(app):
    """The session's app switched to JSON lines for one test, as `[app] log_format = "json"` does at start."""
    handler = next(h for h in request_log.log.handlers if isinstance(h, request_log.StderrHandler))
    handler.setFormatter(request_log.formatter_for("json"))
    yield
    handler.setFormatter(request_log.formatter_for(app.config["APP_LOG_FORMAT"]))


def test_a_signed_in_request_logs_one_text_line(app, as_user, capsys):
    response = as_user(HEAD).get("/recommendations/999999")
    [line] = request_lines(capsys.readouterr().err)
    request_id, user_id, method, route, status, duration = LINE.search(line).groups()
    assert response.headers["X-Request-Id"] == request_id and len(request_id) == 32
    assert (user_id, method, route, status) == (
        str(find_user(HEAD).id),
        "GET",
        "/recommendations/<int:recommendation_id>",
        "404",
    )
    assert float(duration) >= 0


def test_json_lines_and_a_forwarded_request_id(client, json_logging, capsys):
    client.get("/healthz", headers={"X-Request-Id": "lb-1234.abc"})
    client.get("/healthz", headers={"X-Request-Id": "bad id; forged=1"})
    first, second = (json.loads(line) for line in request_lines(capsys.readouterr().err))
    assert {k: first[k] for k in ("request_id", "user_id", "method", "route", "status")} == {
        "request_id": "lb-1234.abc",
        "user_id": None,
        "method": "GET",
        "route": "/healthz",
        "status": 200,
    }
    assert isinstance(first["duration_ms"], float) and first["level"] == "INFO"
    assert re.fullmatch(r"[0-9a-f]{32}", second["request_id"]), "a malformed id is replaced, not logged"


def test_log_format_json_is_read_from_config(tmp_path, capsys):
    app = make_app(tmp_path, None, APP_LOG_FORMAT="json")
    try:
        app.test_client().get("/healthz")
        [line] = request_lines(capsys.readouterr().err)
        assert json.loads(line)["route"] == "/healthz"
    finally:
        handler = next(h for h in request_log.log.handlers if isinstance(h, request_log.StderrHandler))
        handler.setFormatter(request_log.formatter_for("text"))
