"""Tests for the administrators' import pages: upload, check and correct, save, duplicates and who may use them."""

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import ADMIN, HEAD, HMPPS, make_app, sign_in_as, soup_of, text_of
from tests.importer import make_pdf
from tests.importer.conftest import BARKING_TEXT, report_bytes, row_counts
from tracker.actions.models import Action
from tracker.extensions import db
from tracker.importer.models import ReportImportDraft
from tracker.inspections.models import Inspection
from tracker.organisations import services as organisations

UPLOAD_URL = "/admin/imports/new"


def upload(client, name: str, data: bytes | None = None, filename: str | None = None):
    if data is None:
        data, filename = report_bytes(name)
    return client.post(UPLOAD_URL, data={"file": (io.BytesIO(data), filename or name)},
                       content_type="multipart/form-data")


def form_values(response) -> MultiDict:
    """What a browser would send for the review form as it stands: inputs, text areas, chosen options, ticks."""
    form = soup_of(response).select_one("#review-form")
    values = MultiDict()
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            values.add(name, field.get_text())
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values.add(name, chosen.get("value", chosen.get_text()))
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                values.add(name, field.get("value", "y"))
        elif field.get("type") not in ("submit", "button", "file"):
            values.add(name, field.get("value", ""))
    return values


def inspection_for(pdu_name: str) -> Inspection | None:
    pdu = organisations.find_pdu(pdu_name)
    return db.session.scalar(select(Inspection).where(Inspection.pdu_id == pdu.id)) if pdu else None


def table_rows(page, table: str) -> list[list[str]]:
    return [[text_of(cell) for cell in row.select("th, td")] for row in page.select(f"{table} tbody tr")]


def error_summary(response) -> list[str]:
    return [text_of(li) for li in soup_of(response).select(".govuk-error-summary__list li")]


@pytest.fixture
def admin(as_user):
    return as_user(ADMIN)


def test_upload_page_has_a_file_field(admin):
    response = admin.get(UPLOAD_URL)
    assert response.status_code == 200
    page = soup_of(response)
    assert text_of(page.h1) == "Import an inspection report"
    assert page.select_one("form[enctype='multipart/form-data'] input[type=file][name=file]") is not None


def test_uploading_lambeth_shows_everything_found(admin):
    response = upload(admin, "lambeth-2023")
    assert response.status_code == 302
    draft = db.session.scalars(select(ReportImportDraft).order_by(ReportImportDraft.id.desc())).first()
    assert response.headers["Location"].endswith(f"/admin/imports/{draft.id}")
    page = soup_of(admin.get(response.headers["Location"]))
    assert text_of(page.h1) == "Check the report before saving"
    fields = {text_of(row.dt): text_of(row.dd) for row in page.select("#inspection-fields .govuk-summary-list__row")}
    assert fields["PDU"] == "Lambeth"
    assert fields["Region"] == "London"
    assert fields["Published"] == "14 June 2023"
    assert fields["Overall rating"] == "Requires improvement"
    assert fields["Score"] == "11/27"
    standards = table_rows(page, "#found-standards")
    assert [row[:2] for row in standards][4:6] == [["2.1 Court work", "Good"],
                                                   ["2.2 Assessment", "Requires improvement"]]
    assert "Does assessment focus sufficiently on engaging the person on probation? 75%" in standards[5][2]
    recommendations = table_rows(page, "#found-recommendations")
    assert len(recommendations) == 9
    assert recommendations[7] == ["8", "The Metropolitan Police Service (Other body)",
                                  "respond to probation requests for domestic abuse information within the agreed "
                                  "timescales."]
    assert page.select_one("#already-imported") is None
    assert page.select_one("#no-warnings") is not None


def test_saving_an_upload_creates_the_inspection_and_shows_it(admin):
    preview = admin.get(upload(admin, "lambeth-2023").headers["Location"])
    response = admin.post(preview.request.path, data=form_values(preview))
    inspection = inspection_for("Lambeth")
    assert inspection is not None
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/inspections/{inspection.id}")
    shown = admin.get(response.headers["Location"])
    assert "Inspection saved with 9 recommendations." in text_of(soup_of(shown))
    assert [r.owner_org.display_name for r in inspection.recommendations][4] == "London region"
    assert db.session.get(ReportImportDraft, int(preview.request.path.rsplit("/", 1)[1])).inspection_id == \
        inspection.id
    # The saved draft now leads to its inspection rather than offering to save it again.
    again = admin.get(preview.request.path)
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/inspections/{inspection.id}")


def test_a_field_corrected_before_saving_is_saved_corrected(admin):
    preview = admin.get(upload(admin, "enfield-haringey-2024").headers["Location"])
    values = form_values(preview)
    assert values["recommendations-2-text"] == inspection_text("enfield-haringey-2024", 2)
    values["recommendations-2-text"] = "  make sure   every case has a risk assessment  "
    values["recommendations-10-addressee_kind"] = "region"
    values["standards-5-key_questions-0-percentage"] = "61"
    values["overall_rating"] = "Inadequate"
    values.setlist("published_on", ["3", "4", "2024"])
    response = admin.post(preview.request.path, data=values)
    assert response.status_code == 302, error_summary(response)
    inspection = inspection_for("Enfield and Haringey")
    assert inspection.overall_rating == "Inadequate"
    assert inspection.published_on.isoformat() == "2024-04-03"
    assert inspection.recommendations[2].text == "make sure every case has a risk assessment"
    moved = inspection.recommendations[10]
    assert (moved.addressee_kind, moved.addressee_name, moved.owner_org.display_name) == \
        ("region", "London region", "London region")
    assert inspection.standards[5].key_questions[0].percentage == 61


def test_invalid_corrections_are_shown_inline_and_nothing_is_saved(admin):
    preview = admin.get(upload(admin, "newham-2023").headers["Location"])
    values = form_values(preview)
    values["standards-5-key_questions-1-percentage"] = "150"
    values["recommendations-0-text"] = " "
    values["score"] = "30"
    before = row_counts()
    response = admin.post(preview.request.path, data=values)
    assert response.status_code == 200
    assert error_summary(response) == [
        "The score cannot be more than the maximum",
        "Standard 2.2, key question 2: Enter a whole number from 0 to 100",
        "Recommendation 1: Enter the recommendation's text",
    ]
    assert soup_of(response).title.get_text().startswith("Error:")
    assert row_counts() == before


def test_uploading_barking_again_shows_all_13_recommendations_and_refuses_a_duplicate(admin):
    existing = inspection_for("Barking, Dagenham and Havering")
    preview = admin.get(upload(admin, "barking-dagenham-havering-2022").headers["Location"])
    page = soup_of(preview)
    assert len(page.select("#found-recommendations tbody tr")) == 13
    assert [text_of(row.th) for row in page.select("#found-recommendations tbody tr")] == [str(n) for n in range(1, 14)]
    warning = page.select_one("#already-imported")
    assert warning.a["href"] == f"/inspections/{existing.id}"
    before = row_counts()
    response = admin.post(preview.request.path, data=form_values(preview) | {"accept_warnings": "y"})
    assert response.status_code == 200
    assert error_summary(response) == [
        f"This report has already been imported as '{existing.title}'. Choose to update the existing inspection, "
        "or leave this page."]
    assert row_counts() == before


def test_choosing_to_update_the_existing_inspection_changes_it_in_place(admin):
    existing = inspection_for("Barking, Dagenham and Havering")
    actions = db.session.scalar(select(db.func.count()).select_from(Action))
    inspections = db.session.scalar(select(db.func.count()).select_from(Inspection))
    preview = admin.get(upload(admin, "barking-revised.txt", BARKING_TEXT.replace(
        "increase quality assurance activity at PDU level.", "increase quality assurance at PDU level.").encode(),
        "barking-revised.txt").headers["Location"])
    values = form_values(preview)
    values["update_existing"] = "y"
    values["accept_warnings"] = "y"
    response = admin.post(preview.request.path, data=values)
    assert response.status_code == 302, error_summary(response)
    assert response.headers["Location"].endswith(f"/inspections/{existing.id}")
    db.session.expire_all()
    assert next(r for r in existing.recommendations if r.number == 11).text == \
        "increase quality assurance at PDU level."
    assert db.session.scalar(select(db.func.count()).select_from(Action)) == actions
    assert db.session.scalar(select(db.func.count()).select_from(Inspection)) == inspections
    assert "Inspection updated from the report: 1 change." in text_of(soup_of(admin.get(f"/inspections/{existing.id}")))


def inspection_text(name: str, index: int) -> str:
    from tracker.importer.parser import read_report

    return read_report(report_bytes(name)[0]).recommendations[index].text


def test_unknown_pdu_is_created_under_its_region_only_once_confirmed(admin):
    preview = admin.get(upload(admin, "cardiff-vale-2023").headers["Location"])
    values = form_values(preview)
    assert values["pdu"] == "new"
    assert values["new_pdu_name"] == "Cardiff and the Vale"
    assert values["new_pdu_region"] == str(organisations.find_region("Wales").id)
    before = row_counts()
    refused = admin.post(preview.request.path, data=values)
    assert error_summary(refused) == ["Confirm that the new PDU should be created"]
    assert row_counts() == before

    values["confirm_new_pdu"] = "y"
    response = admin.post(preview.request.path, data=values)
    assert response.status_code == 302, error_summary(response)
    pdu = organisations.find_pdu("Cardiff and the Vale")
    assert pdu.parent.name == "Wales"
    assert len(inspection_for("Cardiff and the Vale").recommendations) == 10
    assert "Cardiff and the Vale PDU was added to the Wales region." in text_of(
        soup_of(admin.get(response.headers["Location"])))


def test_the_pdu_can_be_changed_to_an_existing_one(admin):
    preview = admin.get(upload(admin, "cardiff-vale-2023").headers["Location"])
    values = form_values(preview)
    values["pdu"] = str(organisations.find_pdu("Croydon").id)
    response = admin.post(preview.request.path, data=values)
    assert response.status_code == 302, error_summary(response)
    assert len(inspection_for("Croydon").recommendations) == 10
    assert organisations.find_pdu("Cardiff and the Vale") is None


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"", "empty.txt", "'empty.txt' is empty."),
    (make_pdf.image_only_pdf(), "scan.pdf", "This PDF has no text layer"),
    (b"Shopping list\n\n1. eggs\n2. flour\n", "list.txt", "This does not look like an HM Inspectorate of Probation"),
    (BARKING_TEXT[:BARKING_TEXT.index("\nRecommendations\n")].encode(), "cut.txt", "No recommendations were found"),
])
def test_a_bad_upload_is_refused_inline_and_saves_nothing(admin, data, filename, message):
    before = row_counts()
    response = upload(admin, filename, data, filename)
    assert response.status_code == 200
    errors = error_summary(response)
    assert len(errors) == 1 and errors[0].startswith(message)
    assert soup_of(response).select_one(".govuk-error-message").get_text().strip().endswith(errors[0])
    assert row_counts() == before


def test_no_file_chosen_is_an_error(admin):
    response = admin.post(UPLOAD_URL, data={}, content_type="multipart/form-data")
    assert error_summary(response) == ["Select a report"]


def importer_urls(app) -> list[tuple[str, str]]:
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("importer.")]
    assert {rule.endpoint for rule in rules} == {"importer.upload_report", "importer.review_import"}
    return [(rule.rule.replace("<int:draft_id>", "{draft}"), method)
            for rule in rules for method in sorted(rule.methods & {"GET", "POST"})]


@pytest.mark.parametrize("email", [HEAD, HMPPS])
def test_only_administrators_reach_the_import_pages(app, client, email):
    sign_in_as(client, ADMIN)
    draft_url = upload(client, "newham-2023").headers["Location"]
    draft_id = draft_url.rsplit("/", 1)[1]
    client.post("/sign-out")
    sign_in_as(client, email)
    before = row_counts()
    for url, method in importer_urls(app):
        response = client.open(url.format(draft=draft_id), method=method, data={})
        assert response.status_code == 403, (url, method)
    assert row_counts() == before


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    for url, method in importer_urls(app):
        response = client.open(url.format(draft=1), method=method)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_unknown_draft_is_not_found(admin):
    assert admin.get("/admin/imports/999999").status_code == 404


def test_upload_without_a_csrf_token_is_refused(tmp_path):
    app = make_app(tmp_path, None, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tracker.auth.models import ADMIN as ADMIN_ROLE
        from tracker.auth.services import create_user

        hmpps = organisations.seed_organisations()
        create_user("csrf.admin@example.org", "Admin", "a-long-password-1", roles=[(ADMIN_ROLE, hmpps.id)])
        db.session.commit()
        client = app.test_client()
        sign_in_as(client, "csrf.admin@example.org")
        data, filename = report_bytes("lambeth-2023")
        response = client.post(UPLOAD_URL, data={"file": (io.BytesIO(data), filename)},
                               content_type="multipart/form-data")
        assert response.status_code == 400
        assert db.session.scalar(select(db.func.count()).select_from(ReportImportDraft)) == 0
        db.session.rollback()  # end the read, so SQLite lets the next request write
        # The form itself carries the token, so a real browser's upload works.
        page = soup_of(client.get(UPLOAD_URL))
        token = page.select_one("input[name=csrf_token]")["value"]
        response = client.post(UPLOAD_URL, data={"file": (io.BytesIO(data), filename), "csrf_token": token},
                               content_type="multipart/form-data")
        assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_a_form_missing_recommendations_is_refused_not_saved_short(admin):
    preview = admin.get(upload(admin, "newham-2023").headers["Location"])
    values = form_values(preview)
    for name in ("recommendations-4-text", "recommendations-4-addressee_kind"):
        values.pop(name)
    before = row_counts()
    response = admin.post(preview.request.path, data=values)
    assert response.status_code == 200
    assert error_summary(response) == ["The recommendations were not all sent; reload the page and try again"]
    assert row_counts() == before


def test_a_repeated_number_is_refused_with_every_reason_and_no_save_button(admin):
    text = BARKING_TEXT.replace("increase quality assurance activity at PDU level.",
                                "increase quality assurance activity at PDU level.\n11. increase it again.")
    text = text.replace("4. ensure that interventions", "3. ensure that interventions")
    before = row_counts()
    preview = admin.get(upload(admin, "twice.txt", text.encode(), "twice.txt").headers["Location"])
    page = soup_of(preview)
    assert text_of(page.select_one("#problems h2")) == "This report cannot be saved"
    assert [text_of(li) for li in page.select("#problem-list li")] == [
        "Recommendation 3 appears twice", "Recommendation 11 appears twice",
        "Recommendation numbers are not consecutive from 1: missing 4"]
    assert page.select_one("#review-form") is None and page.select_one("main form") is None
    response = admin.post(preview.request.path, data={"pdu": "1"})
    assert [text_of(li) for li in soup_of(response).select("#problem-list li")][0] == "Recommendation 3 appears twice"
    # Only the draft holding the upload was written.
    assert row_counts() == {**before, "report_import_drafts": before["report_import_drafts"] + 1,
                            "audit_events": before["audit_events"] + 1}


def test_warnings_must_be_ticked_before_saving(admin):
    text = BARKING_TEXT.replace("Barking, Dagenham and Havering PDU", "Havering Test PDU")
    preview = admin.get(upload(admin, "havering.txt", text.encode(), "havering.txt").headers["Location"])
    warnings = [text_of(w) for w in soup_of(preview).select("#warning-list .govuk-warning-text__text")]
    assert any("Standard 2.4 Implementation and delivery is rated Requires improvement although its lowest "
               "key-question score, 48%, is in the Inadequate band" in warning for warning in warnings)
    values = form_values(preview)
    values["pdu"] = str(organisations.find_pdu("Newham").id)
    before = row_counts()
    refused = admin.post(preview.request.path, data=values)
    assert error_summary(refused) == ["Confirm that you have checked each warning against the report"]
    assert row_counts() == before
    values["accept_warnings"] = "y"
    assert admin.post(preview.request.path, data=values).status_code == 302
    assert len(inspection_for("Newham").recommendations) == 13
