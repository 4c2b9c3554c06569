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
    return client.post(f"/actions/{action_id}/evidence/upload",
                       data={"title": title, "description": "", "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


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


def test_oversized_file_gets_a_styled_413(app, as_user, action_id):
    before = evidence_count(app)
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = upload(as_user(OWNER), action_id, "big.pdf", big)
    assert response.status_code == 413
    assert text_of(soup_of(response).h1) == "The file is too large"
    assert evidence_count(app) == before


def test_link_evidence_must_be_a_web_address(app, as_user, action_id):
    client = as_user(HEAD)
    page = soup_of(client.post(f"/actions/{action_id}/evidence/link",
                               data={"title": "Minutes", "url": "javascript:alert(1)"}))
    assert "Enter a link starting with https://" in text_of(page.select_one(".govuk-error-summary"))
    response = client.post(f"/actions/{action_id}/evidence/link",
                           data={"title": "Minutes", "url": "https://intranet.example.org/minutes"})
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
    assert as_user("viewer.newham@example.org").get(f"/evidence/{file_id}/download").status_code == 403


def test_evidence_added_to_action_is_audited(app, as_user, action_id):
    upload(as_user(OWNER), action_id, "audit.csv", b"case,result\n1,yes\n", title="Audit sheet")
    with app.app_context():
        action = db.session.get(Action, action_id)
        rec_id = action.recommendation_id
    page = soup_of(as_user(HEAD).get(f"/recommendations/{rec_id}"))
    assert f"Added evidence 'Audit sheet' to action {action_id}" in text_of(page.select_one("#history-events"))
