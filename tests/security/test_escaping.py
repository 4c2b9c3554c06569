"""No user content is rendered unescaped: every free-text column of the demo data is filled with markup, then
every page each role can reach by following links is checked for it."""

import pytest
from sqlalchemy import String, Text, cast, literal, select, update

from tests.conftest import ADMIN, DIRECTOR, HEAD, OWNER
from tests.security.helpers import crawl
from tracker.actions.models import Action
from tracker.evidence.services import EvidenceError, check_link
from tracker.extensions import db

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
#: short strings are codes and states (status, kind, role, rating), which the app reads back as keys
FREE_TEXT_MIN_LENGTH = 100
#: names, addresses and file paths the app must still be able to use
KEEP = {
    "email",
    "password_hash",
    "token_hash",
    "url",
    "stored_name",
    "storage_path",
    "content_type",
    "sha256",
    "source_sha256",
    "filename_on_disk",
    "href",
    "path",
}


def free_text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.name in KEEP or column.name.endswith(("_id", "_at", "_on", "_key")) or column.foreign_keys:
                continue
            if isinstance(column.type, Text) or (
                isinstance(column.type, String)
                and (column.type.length is None or column.type.length >= FREE_TEXT_MIN_LENGTH)
            ):
                yield table, column


@pytest.fixture
def poisoned(app):
    filled = []
    for table, column in free_text_columns():
        # The row id keeps values distinct where the column is unique (organisation names, say).
        value = literal(PAYLOAD).concat(cast(table.c.id, String)) if "id" in table.c else PAYLOAD
        db.session.execute(update(table).values({column.name: value}))
        filled.append(f"{table.name}.{column.name}")
    db.session.commit()
    return filled


def test_markup_is_put_into_many_columns(poisoned):
    assert {
        "recommendations.text",
        "actions.description",
        "progress_updates.narrative",
        "evidence.title",
        "users.name",
        "organisations.name",
    } <= set(poisoned)


@pytest.mark.parametrize("email", [HEAD, OWNER, DIRECTOR, ADMIN])
def test_pages_escape_user_content(as_user, poisoned, email):
    client = as_user(email)
    unsafe, escaped_seen = [], 0
    for url, response in crawl(client, limit=80):
        html = response.get_data(as_text=True)
        if "<script>alert(1)" in html or "<img src=x onerror" in html:
            unsafe.append(url)
        escaped_seen += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert unsafe == [], f"user content rendered as markup on: {unsafe}"
    assert escaped_seen >= 5, "the payload should be visible, escaped, on the pages"


def test_api_returns_user_content_as_json_text(as_user, poisoned):
    response = as_user(HEAD).get("/api/v1/inspections")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD in str(response.get_json()), "the API returns the text as it was entered, as JSON"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example.com/x",
        "https:alert(1)",
    ],
)
def test_evidence_links_must_be_web_addresses(url):
    with pytest.raises(EvidenceError):
        check_link(url)


def test_a_link_with_script_is_refused_by_the_form(as_user):
    client = as_user(OWNER)
    action_id = db.session.scalar(select(Action.id).order_by(Action.id))
    before = db.session.scalar(select(db.func.count()).select_from(db.metadata.tables["evidence"]))
    response = client.post(
        f"/actions/{action_id}/evidence/link", data={"title": "Click me", "url": "javascript:alert(document.cookie)"}
    )
    assert response.status_code in (200, 403, 422)
    assert db.session.scalar(select(db.func.count()).select_from(db.metadata.tables["evidence"])) == before
