"""Evidence: allowed files checked by content, disguised and oversized files refused, downloads guarded."""

import io

import pytest
from sqlalchemy import func, select

from tests.conftest import HEAD, OWNER, VIEWER, soup_of, text_of
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.demo.services import minimal_pdf
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.models import Recommendation


@pytest.fixture
def action_id(app):
    with app.app_context():
        rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 1))
        owner = find_user(OWNER)
        return next(a.id for a in rec.actions if a.owner_id == owner.id and not a.is_complete)


def evidence_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Evidence))


def upload(client, action_id, filename, data, title="Audit results"):
    return client.post(
        f"/actions/{action_id}/evidence/upload",
        data={"title": title, "description": "", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_action_owner_uploads_a_pdf_and_it_downloads_as_an_attachment(app, as_user, action_id):
    client = as_user(OWNER)
    response = upload(client, action_id, "audit.pdf", minimal_pdf("Audit results"))
    assert response.status_code == 302
    page = soup_of(client.get(f"/actions/{action_id}"))
    link = page.select_one("#action-evidence a")
    assert text_of(link).startswith("Audit results")
    download = client.get(link["href"])
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data.startswith(b"%PDF")
    download.close()


def test_stored_under_a_random_name_outside_static(app, as_user, action_id):
    upload(as_user(OWNER), action_id, "../../etc/passwd.pdf", minimal_pdf("x"))
    with app.app_context():
        evidence = db.session.scalar(select(Evidence).order_by(Evidence.id.desc()))
        assert evidence.original_filename == "passwd.pdf"
        assert len(evidence.stored_name) == 32 and "/" not in evidence.stored_name
        assert "static" not in app.config["UPLOAD_PATH"]


def test_disguised_file_is_refused_and_nothing_saved(app, as_user, action_id):
    before = evidence_count(app)
    page = soup_of(upload(as_user(OWNER), action_id, "report.pdf", b"MZ\x90\x00 this is really a program"))
    assert "not a real PDF file" in text_of(page.select_one(".govuk-error-summary"))
    assert evidence_count(app) == before


def test_html_renamed_as_text_is_refused(app, as_user, action_id):
    page = soup_of(upload(as_user(OWNER), action_id, "notes.txt", b"<html><script>alert(1)</script></html>"))
    assert page.select_one(".govuk-error-summary") is not None


def test_unlisted_type_is_refused(app, as_user, action_id):
    page = soup_of(upload(as_user(OWNER), action_id, "run.exe", b"MZ\x90\x00"))
    assert "must be a PDF" in text_of(page.select_one(".govuk-error-summary"))


def test_a_file_over_the_limit_comes_back_on_the_form_with_what_was_typed(app, as_user, action_id):
    before = evidence_count(app)
    limit = app.config["UPLOADS_MAX_BYTES"]
    big = b"%PDF-1.4\n" + b"0" * limit
    response = as_user(OWNER).post(
        f"/actions/{action_id}/evidence/upload",
        data={
            "title": "Audit results for March",
            "description": "Countersigning rates by team",
            "file": (io.BytesIO(big), "big.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = soup_of(response)
    message = f"The selected file must be smaller than {limit // (1024 * 1024)}MB"
    assert [text_of(a) for a in page.select(".govuk-error-summary__list a")] == [message]
    assert message in text_of(page.select_one("#file-error"))
    assert page.select_one("input[name=title]")["value"] == "Audit results for March"
    assert page.select_one("textarea[name=description]").get_text() == "Countersigning rates by team"
    assert evidence_count(app) == before


def test_the_form_states_the_limit_its_error_enforces(app, as_user, action_id):
    """The page says what the error will say: 10MB, not the larger cap on a whole request."""
    assert app.config["MAX_CONTENT_LENGTH"] > app.config["UPLOADS_MAX_BYTES"] == 10 * 1024 * 1024
    page = soup_of(as_user(OWNER).get(f"/actions/{action_id}/evidence/upload"))
    assert "Files up to 10MB." in text_of(page.select_one("main"))


def test_a_file_exactly_at_the_limit_is_accepted(app, as_user, action_id):
    limit = app.config["UPLOADS_MAX_BYTES"]
    pdf = minimal_pdf("Audit results")
    padded = pdf + b"\n%" + b"0" * (limit - len(pdf) - 2)
    assert len(padded) == limit
    assert upload(as_user(OWNER), action_id, "audit.pdf", padded).status_code == 302


def test_a_request_beyond_what_is_read_goes_back_to_the_form_with_a_message(app, as_user, action_id):
    before = evidence_count(app)
    client = as_user(OWNER)
    huge = b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post(
        f"/actions/{action_id}/evidence/upload",
        data={"title": "Too big", "file": (io.BytesIO(huge), "huge.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/actions/{action_id}/evidence/upload")
    page = soup_of(client.get(response.headers["Location"]))
    assert "The selected file must be smaller than 10MB. Nothing was saved" in text_of(
        page.select_one(".govuk-notification-banner")
    )
    assert page.select_one("input[type=file]") is not None
    assert evidence_count(app) == before


def test_an_api_request_beyond_the_limit_gets_a_json_413(app, as_user):
    response = as_user(OWNER).post(
        "/api/v1/actions/1/updates",
        data=b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413


def test_link_evidence_must_be_a_web_address(app, as_user, action_id):
    client = as_user(HEAD)
    page = soup_of(
        client.post(f"/actions/{action_id}/evidence/link", data={"title": "Minutes", "url": "javascript:alert(1)"})
    )
    assert "Enter a link starting with https://" in text_of(page.select_one(".govuk-error-summary"))
    response = client.post(
        f"/actions/{action_id}/evidence/link", data={"title": "Minutes", "url": "https://intranet.example.org/minutes"}
    )
    assert response.status_code == 302


def test_viewer_cannot_add_but_can_download(app, as_user, action_id):
    client = as_user(VIEWER)
    assert upload(client, action_id, "a.pdf", minimal_pdf("a")).status_code == 403
    with app.app_context():
        file_id = db.session.scalar(select(Evidence.id).where(Evidence.kind == "file"))
    response = client.get(f"/evidence/{file_id}/download")
    assert response.status_code == 200
    response.close()


def test_people_outside_the_pdu_cannot_download(app, as_user):
    from tracker.auth.services import create_user
    from tracker.organisations.services import find_pdu

    with app.app_context():
        create_user("viewer.newham@example.org", "Newham Viewer", "x" * 16, [("viewer", find_pdu("Newham").id)])
        db.session.commit()
        file_id = db.session.scalar(select(Evidence.id).where(Evidence.kind == "file"))
    # Barking's evidence is not theirs to see: answered as if it did not exist
    assert as_user("viewer.newham@example.org").get(f"/evidence/{file_id}/download").status_code == 404


def test_evidence_added_to_action_is_audited(app, as_user, action_id):
    upload(as_user(OWNER), action_id, "audit.csv", b"case,result\n1,yes\n", title="Audit sheet")
    with app.app_context():
        action = db.session.get(Action, action_id)
        rec_id, description = action.recommendation_id, action.description
    page = soup_of(as_user(HEAD).get(f"/recommendations/{rec_id}"))
    history = text_of(page.select_one("#history-events"))
    # the history names the action by what it says, not by the database's number for it
    assert f"Added evidence 'Audit sheet' to the action “{description[:20]}" in history
    assert f"to action {action_id}" not in history
