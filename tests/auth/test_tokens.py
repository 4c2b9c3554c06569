"""API tokens: optional expiry from the command line, last use recorded, expired tokens refused."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import HEAD
from tracker.auth.models import ApiToken
from tracker.auth.services import create_api_token, find_user, parse_duration
from tracker.cli import tracker_cli
from tracker.db_types import utcnow
from tracker.extensions import db


def test_create_token_with_an_expiry_from_the_command_line(app):
    result = app.test_cli_runner().invoke(tracker_cli, ["create-token", HEAD, "--expires-in", "90d"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith("trk_")
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == find_user(HEAD).id))
    assert abs(stored.expires_at - (utcnow() + timedelta(days=90))) < timedelta(minutes=1)


def test_a_bad_duration_is_explained(app):
    result = app.test_cli_runner().invoke(tracker_cli, ["create-token", HEAD, "--expires-in", "soon"])
    assert result.exit_code != 0 and "not a duration like 90d" in result.output


@pytest.mark.parametrize(
    "text, expected", [("90d", timedelta(days=90)), ("12w", timedelta(weeks=12)), ("24h", timedelta(hours=24))]
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


def test_an_expired_token_stops_working_and_use_is_recorded(app):
    token = create_api_token(find_user(HEAD), "short-lived", timedelta(days=1))
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/inspections", headers=headers).status_code == 200
    stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "short-lived"))
    db.session.refresh(stored)
    assert stored.last_used_at is not None
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert api.get("/api/v1/inspections", headers=headers).status_code == 401
