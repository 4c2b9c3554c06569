"""Tests for the administrators' import pages: upload, check and correct, save, duplicates and who may use them."""

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import ADMIN, HEAD, HMPPS, make_app, sign_in_as, soup_of, text_of
from tests.importer import make_pdf
from tests.importer.conftest import BARKING_TEXT, report_bytes, row_counts
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.importer.models import ReportImportDraft
from tracker.inspections.models import Inspection
from tracker.organisations import services as organisations

UPLOAD_URL = "/admin/imports/new"


def upload(client, name: str, data: bytes | None = None, filename: str | None = None):
    if data is None:
        data, filename = report_bytes(name)
    return client.post(
        UPLOAD_URL, data={"file": (io.BytesIO(data), filename or name)}, content_type="multipart/form-data"
    )


def form_values(response, form_id: str = "section-form") -> MultiDict:
    """What a browser would send for a form as it stands: inputs, text areas, chosen options, ticks."""
    form = soup_of(response).select_one(f"#{form_id}")
    values = MultiDict()
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            values.add(name, field.get_text().removeprefix("\n"))
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values.add(name, chosen.get("value", chosen.get_text()))
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values.add(name, field.get("value", "y"))
        elif field.get("type") not in ("submit", "button", "file"):
            values.add(name, field.get("value", ""))
    return values


def change(client, review_url: str, section: str, **changes):
    """Open a section's Change page, alter some fields as a person would, and send it."""
    page = client.get(f"{review_url}/{section}")
    assert page.status_code == 200
    values = form_values(page)
    for name, value in changes.items():
        if isinstance(value, list):
            values.setlist(name, value)
        else:
            values[name.replace("__", "-")] = value
    return client.post(f"{review_url}/{section}", data=values)


def save(client, review_url: str, **ticks):
    return client.post(review_url, data={name: "y" for name in ticks})


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


def summary(page, selector: str) -> dict[str, str]:
    return {text_of(row.dt): text_of(row.dd) for row in page.select(f"{selector} .govuk-summary-list__row")}


def recommendations_shown(page) -> list[tuple[str, str, str, str]]:
    """Each recommendation as listed: its heading, number, text and who follows it up."""
    return [
        (
            text_of(card.select_one(".govuk-summary-card__title")),
            text_of(row.dt),
            text_of(row.select_one(".recommendation-text")),
            text_of(row.select_one(".recommendation-owner")),
        )
        for card in page.select(".govuk-summary-card:has(.recommendation-list)")
        for row in card.select(".govuk-summary-list__row")
    ]


def test_uploading_lambeth_shows_everything_found_one_section_at_a_time(admin):
    response = upload(admin, "lambeth-2023")
    assert response.status_code == 302
    draft = db.session.scalars(select(ReportImportDraft).order_by(ReportImportDraft.id.desc())).first()
    assert response.headers["Location"].endswith(f"/admin/imports/{draft.id}")
    page = soup_of(admin.get(response.headers["Location"]))
    assert text_of(page.h1) == "Check the report before saving"
    # One summary list per section, each with its own Change link.
    cards = {
        text_of(card.h2): card.select_one(".govuk-summary-card__actions a")["href"]
        for card in page.select(".govuk-summary-card:has(h2)")
    }
    url = f"/admin/imports/{draft.id}"
    assert cards == {"PDU": f"{url}/pdu", "Inspection": f"{url}/inspection", "Ratings": f"{url}/ratings"}
    assert summary(page, "#pdu-fields") == {"Named in the report": "Lambeth", "Saved against": "Lambeth PDU (London)"}
    assert page.select_one("#new-pdu-name") is None and page.select("main select, main textarea") == []
    fields = summary(page, "#inspection-fields")
    assert fields["Published"] == "14 June 2023"
    ratings = summary(page, "#rating-fields")
    assert ratings["Overall rating"] == "Requires improvement" and ratings["Score"] == "11/27"
    assert ratings["2.1 Court work"].startswith("Good")
    assert "75%: Does assessment focus sufficiently on engaging the person on probation?" in ratings["2.2 Assessment"]
    shown = recommendations_shown(page)
    assert [number for _, number, _, _ in shown] == [str(n) for n in range(1, 10)]
    assert shown[7] == (
        "The Metropolitan Police Service should:",
        "8",
        "respond to probation requests for domestic abuse information within the agreed timescales.",
        "Followed up by: Not chosen",
    )
    assert shown[4][3] == "Followed up by: London region"
    assert page.select_one("#recommendation-8 a")["href"] == f"{url}/recommendations/8"
    assert page.select_one("#add-recommendation")["href"] == f"{url}/recommendations/new"
    assert page.select_one("#already-imported") is None
    assert page.select_one("#no-warnings") is not None


def test_the_review_page_shows_each_thing_once(admin):
    """Nothing is shown twice (read-only and again as a form), and addressee names are not doubled."""
    page = soup_of(admin.get(upload(admin, "barking-dagenham-havering-2022").headers["Location"]))
    assert page.select("main textarea, main select, main input[type=text]:not([hidden])") == []
    words = text_of(page.select_one("main"))
    assert words.count("increase quality assurance activity at PDU level.") == 1
    assert "(HMPPS) (HMPPS)" not in words
    # The report gives its publication month only, and the fieldwork day.
    assert summary(page, "#inspection-fields")["Published"] == "November 2022"
    assert summary(page, "#inspection-fields")["Fieldwork"] == "26 September 2022"
    assert [text_of(h) for h in page.select(".govuk-summary-card__title")][3:] == [
        "Barking, Dagenham and Havering should:",
        "London region should:",
        "HM Prison and Probation Service (HMPPS) should:",
    ]


def test_a_change_link_opens_just_that_section(admin):
    url = upload(admin, "lambeth-2023").headers["Location"]
    page = soup_of(admin.get(f"{url}/inspection"))
    assert text_of(page.h1) == "Change the inspection's details"
    names = {field["name"] for field in page.select("#section-form [name]")}
    assert names == {"submission_token", "title", "fieldwork_on", "published_on", "submit"}
    # No PDU matched? Then its name and region are asked; when one matched, they are not.
    assert soup_of(admin.get(f"{url}/pdu")).select_one("[name=new_pdu_name]") is None


def test_saving_needs_an_owner_for_a_recommendation_to_another_body(admin):
    url = upload(admin, "lambeth-2023").headers["Location"]
    before = row_counts()
    refused = save(admin, url)
    assert error_summary(refused) == [
        "Choose who will follow up recommendation 8, addressed to The Metropolitan Police Service: use its Change link"
    ]
    assert row_counts() == before
    owner_page = soup_of(admin.get(f"{url}/recommendations/8"))
    assert owner_page.select("input[name=owner_kind][checked]") == []
    missing = change(admin, url, "recommendations/8")
    assert error_summary(missing) == ["Choose who will follow up this recommendation"]
    assert change(admin, url, "recommendations/8", owner_kind="region").status_code == 302
    assert (
        text_of(soup_of(admin.get(url)).select_one("#recommendation-8 .recommendation-owner"))
        == "Followed up by: London region"
    )
    response = save(admin, url)
    inspection = inspection_for("Lambeth")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{url}/done")
    shown = soup_of(admin.get(response.headers["Location"]))
    assert "Inspection saved with 9 recommendations." in text_of(shown)
    assert shown.select_one("#open-inspection")["href"] == f"/inspections/{inspection.id}"
    owners = [r.owner_org.display_name for r in inspection.recommendations]
    assert owners[4] == owners[7] == "London region" and owners[0] == "Lambeth PDU"
    assert inspection.recommendations[7].addressee_name == "The Metropolitan Police Service"
    assert db.session.get(ReportImportDraft, int(url.rsplit("/", 1)[1])).inspection_id == inspection.id
    # The saved draft now leads to its inspection rather than offering to save it again.
    for again in (admin.get(url), admin.get(f"{url}/ratings")):
        assert again.status_code == 302 and again.headers["Location"].endswith(f"/inspections/{inspection.id}")


def test_a_field_corrected_before_saving_is_saved_corrected(admin):
    url = upload(admin, "enfield-haringey-2024").headers["Location"]
    values = form_values(admin.get(f"{url}/recommendations/3"))
    assert values["text"] == inspection_text("enfield-haringey-2024", 2)
    assert (
        change(admin, url, "recommendations/3", text="  make sure   every case has a risk assessment  ").status_code
        == 302
    )
    assert change(admin, url, "recommendations/11", addressee_kind="region", owner_kind="region").status_code == 302
    assert change(admin, url, "recommendations/12", owner_kind="pdu").status_code == 302
    assert (
        change(
            admin, url, "ratings", standards__5__key_questions__0__percentage="61", overall_rating="Inadequate"
        ).status_code
        == 302
    )
    assert change(admin, url, "inspection", published_on=["3", "4", "2024"]).status_code == 302
    response = save(admin, url, accept_warnings=True)
    assert response.status_code == 302, error_summary(response)
    inspection = inspection_for("Enfield and Haringey")
    assert inspection.overall_rating == "Inadequate"
    assert (inspection.published_on.isoformat(), inspection.is_published_month_only) == ("2024-04-03", False)
    assert inspection.recommendations[2].text == "make sure every case has a risk assessment"
    moved = inspection.recommendations[10]
    assert (moved.addressee_kind, moved.addressee_name, moved.owner_org.display_name) == (
        "region",
        "London region",
        "London region",
    )
    assert inspection.recommendations[11].owner_org.display_name == "Enfield and Haringey PDU"
    assert inspection.standards[5].key_questions[0].percentage == 61
    changes = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "report_import_draft", AuditEvent.verb == "change")
    ).all()
    assert [event.summary for event in changes][
        0
    ] == "Changed recommendation 3 of 'enfield-haringey-2024.txt' before saving"
    assert changes[0].after["text"] == "make sure every case has a risk assessment"


def test_invalid_corrections_are_shown_inline_and_nothing_is_saved(admin):
    url = upload(admin, "newham-2023").headers["Location"]
    draft = db.session.get(ReportImportDraft, int(url.rsplit("/", 1)[1]))
    before = row_counts()
    response = change(admin, url, "ratings", standards__5__key_questions__1__percentage="150", score="30")
    assert response.status_code == 200
    assert error_summary(response) == [
        "The score cannot be more than the maximum",
        "Standard 2.2, key question 2: Enter a whole number from 0 to 100",
    ]
    assert soup_of(response).title.get_text().startswith("Error:")
    assert error_summary(change(admin, url, "recommendations/1", text=" ")) == ["Enter the recommendation's text"]
    assert row_counts() == before
    db.session.refresh(draft)
    assert draft.review is None


def test_uploading_barking_again_shows_all_13_recommendations_and_refuses_a_duplicate(admin):
    existing = inspection_for("Barking, Dagenham and Havering")
    url = upload(admin, "barking-dagenham-havering-2022").headers["Location"]
    page = soup_of(admin.get(url))
    assert [number for _, number, _, _ in recommendations_shown(page)] == [str(n) for n in range(1, 14)]
    warning = page.select_one("#already-imported")
    assert warning.a["href"] == f"/inspections/{existing.id}"
    before = row_counts()
    response = save(admin, url, accept_warnings=True)
    assert response.status_code == 200
    assert error_summary(response) == [
        f"This report has already been imported as '{existing.title}'. Choose to update the existing inspection, "
        "or discard this import."
    ]
    assert row_counts() == before


def test_choosing_to_update_the_existing_inspection_changes_it_in_place(admin):
    existing = inspection_for("Barking, Dagenham and Havering")
    actions = db.session.scalar(select(db.func.count()).select_from(Action))
    inspections = db.session.scalar(select(db.func.count()).select_from(Inspection))
    url = upload(
        admin,
        "barking-revised.txt",
        BARKING_TEXT.replace(
            "increase quality assurance activity at PDU level.", "increase quality assurance at PDU level."
        ).encode(),
        "barking-revised.txt",
    ).headers["Location"]
    response = save(admin, url, update_existing=True, accept_warnings=True)
    assert response.status_code == 302, error_summary(response)
    assert response.headers["Location"].endswith(f"{url}/done")
    done = soup_of(admin.get(response.headers["Location"]))
    assert done.select_one("#saved-as a")["href"] == f"/inspections/{existing.id}"
    # Barking's recommendations each have their lead already: an update keeps them, so none is listed.
    assert done.select_one("#no-lead") is None
    db.session.expire_all()
    assert (
        next(r for r in existing.recommendations if r.number == 11).text == "increase quality assurance at PDU level."
    )
    assert db.session.scalar(select(db.func.count()).select_from(Action)) == actions
    assert db.session.scalar(select(db.func.count()).select_from(Inspection)) == inspections
    assert "Inspection updated from the report: 1 change." in text_of(done)


def inspection_text(name: str, index: int) -> str:
    from tracker.importer.parser import read_report

    return read_report(report_bytes(name)[0]).recommendations[index].text


def test_unknown_pdu_is_created_under_its_region_only_once_confirmed(admin):
    url = upload(admin, "cardiff-vale-2023").headers["Location"]
    page = soup_of(admin.get(url))
    assert summary(page, "#pdu-fields") == {
        "Named in the report": "Cardiff and the Vale",
        "Saved as": "Cardiff and the Vale PDU, new in the tracker",
        "Region of the new PDU": "Wales",
    }
    values = form_values(admin.get(f"{url}/pdu"))
    assert (values["pdu"], values["new_pdu_name"]) == ("new", "Cardiff and the Vale")
    assert values["new_pdu_region"] == str(organisations.find_region("Wales").id)
    assert change(admin, url, "recommendations/10", owner_kind="region").status_code == 302
    before = row_counts()
    refused = save(admin, url)
    assert error_summary(refused) == ["Confirm that the new PDU should be created"]
    assert row_counts() == before

    response = save(admin, url, confirm_new_pdu=True)
    assert response.status_code == 302, error_summary(response)
    pdu = organisations.find_pdu("Cardiff and the Vale")
    assert pdu.parent.name == "Wales"
    assert len(inspection_for("Cardiff and the Vale").recommendations) == 10
    assert "Cardiff and the Vale PDU was added to the Wales region." in text_of(
        soup_of(admin.get(response.headers["Location"]))
    )


def test_the_pdu_can_be_changed_to_an_existing_one(admin):
    url = upload(admin, "cardiff-vale-2023").headers["Location"]
    assert change(admin, url, "pdu", pdu=str(organisations.find_pdu("Croydon").id)).status_code == 302
    assert change(admin, url, "recommendations/10", owner_kind="pdu").status_code == 302
    page = soup_of(admin.get(url))
    assert page.select_one("#new-pdu-name") is None and page.select_one("[name=confirm_new_pdu]") is None
    response = save(admin, url)
    assert response.status_code == 302, error_summary(response)
    assert len(inspection_for("Croydon").recommendations) == 10
    assert organisations.find_pdu("Cardiff and the Vale") is None


def test_choosing_a_new_pdu_asks_its_name_and_region(admin):
    url = upload(admin, "lambeth-2023").headers["Location"]
    response = change(admin, url, "pdu", pdu="new")
    assert error_summary(response) == ["Enter the new PDU's name", "Choose the region the new PDU belongs to"]
    assert soup_of(response).select_one("[name=new_pdu_name]") is not None


def test_discarding_an_import_deletes_it_audited_and_returns_to_the_upload_page(admin):
    url = upload(admin, "lambeth-2023").headers["Location"]
    draft_id = int(url.rsplit("/", 1)[1])
    page = soup_of(admin.get(url))
    assert page.select_one("#discard-form")["action"] == f"{url}/discard"
    response = admin.post(f"{url}/discard")
    assert response.status_code == 302 and response.headers["Location"].endswith(UPLOAD_URL)
    assert db.session.get(ReportImportDraft, draft_id) is None
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "report_import_draft",
            AuditEvent.entity_id == draft_id,
            AuditEvent.verb == "delete",
        )
    ).one()
    assert event.summary == "Discarded the upload 'lambeth-2023.html' without saving it"
    banner = soup_of(admin.get(UPLOAD_URL)).select_one(".govuk-notification-banner")
    assert "The import of 'lambeth-2023.html' was discarded. Nothing from it was saved." in text_of(banner)
    assert admin.get(url).status_code == 404
    assert inspection_for("Lambeth") is None


def test_a_recommendation_the_reader_missed_can_be_added(admin):
    text = BARKING_TEXT.replace("Barking, Dagenham and Havering", "Newham")
    missed = "5. ensure staff responsible for case management oversight"
    line = next(line for line in text.split("\n") if line.startswith(missed))
    url = upload(admin, "newham.txt", text.replace(line + "\n", "").encode(), "newham.txt").headers["Location"]
    page = soup_of(admin.get(url))
    assert "Recommendation numbers are not consecutive from 1: missing 5" in [
        text_of(li) for li in page.select("#problem-list li")
    ]
    assert page.select_one("#review-form") is None
    add_page = admin.get(f"{url}/recommendations/new")
    assert [text_of(o) for o in soup_of(add_page).select("select[name=heading] option")] == [
        "Newham should:",
        "London region should:",
        "HM Prison and Probation Service (HMPPS) should:",
    ]
    taken = change(admin, url, "recommendations/new", number="4", text="x")
    assert error_summary(taken) == ["There is already a recommendation 4; change it instead"]
    added = change(admin, url, "recommendations/new", number="5", text=line.removeprefix("5. "), owner_kind="pdu")
    assert added.status_code == 302
    page = soup_of(admin.get(url))
    assert page.select_one("#problems") is None
    assert [number for _, number, _, _ in recommendations_shown(page)] == [str(n) for n in range(1, 14)]
    response = save(admin, url, accept_warnings=True)
    assert response.status_code == 302, error_summary(response)
    saved = inspection_for("Newham").recommendations
    assert [r.number for r in saved] == list(range(1, 14))
    assert (saved[4].text, saved[4].addressee_name) == (line.removeprefix("5. "), "Newham")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.txt", "'empty.txt' is empty."),
        (make_pdf.image_only_pdf(), "scan.pdf", "This PDF has no text layer"),
        (
            b"Shopping list\n\n1. eggs\n2. flour\n",
            "list.txt",
            "This does not look like an HM Inspectorate of Probation",
        ),
        (
            BARKING_TEXT[: BARKING_TEXT.index("\nRecommendations\n")].encode(),
            "cut.txt",
            "No recommendations were found",
        ),
    ],
)
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
    assert {rule.endpoint for rule in rules} == {
        "importer.upload_report",
        "importer.review_import",
        "importer.change_import_pdu",
        "importer.change_import_inspection",
        "importer.change_import_ratings",
        "importer.change_import_recommendation",
        "importer.add_import_recommendation",
        "importer.discard_import",
        "importer.import_done",
    }
    return [
        (rule.rule.replace("<int:draft_id>", "{draft}").replace("<int:number>", "1"), method)
        for rule in rules
        for method in sorted(rule.methods & {"GET", "POST"})
    ]


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
        response = client.post(
            UPLOAD_URL, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
        )
        assert response.status_code == 400
        assert db.session.scalar(select(db.func.count()).select_from(ReportImportDraft)) == 0
        db.session.rollback()  # end the read, so SQLite lets the next request write
        # The form itself carries the token, so a real browser's upload works.
        page = soup_of(client.get(UPLOAD_URL))
        token = page.select_one("input[name=csrf_token]")["value"]
        response = client.post(
            UPLOAD_URL,
            data={"file": (io.BytesIO(data), filename), "csrf_token": token},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_a_ratings_form_missing_a_standard_is_refused_not_saved_short(admin):
    url = upload(admin, "newham-2023").headers["Location"]
    values = form_values(admin.get(f"{url}/ratings"))
    for name in [name for name in values if name.startswith("standards-5-")]:
        values.pop(name)
    response = admin.post(f"{url}/ratings", data=values)
    assert response.status_code == 200
    assert error_summary(response) == ["The ratings were not all sent; reload the page and try again"]
    assert db.session.get(ReportImportDraft, int(url.rsplit("/", 1)[1])).review is None


def test_a_repeated_number_is_refused_with_every_reason_and_no_save_button(admin):
    text = BARKING_TEXT.replace(
        "increase quality assurance activity at PDU level.",
        "increase quality assurance activity at PDU level.\n11. increase it again.",
    )
    text = text.replace("4. ensure that interventions", "3. ensure that interventions")
    before = row_counts()
    preview = admin.get(upload(admin, "twice.txt", text.encode(), "twice.txt").headers["Location"])
    page = soup_of(preview)
    assert text_of(page.select_one("#problems h2")) == "This report cannot be saved"
    assert [text_of(li) for li in page.select("#problem-list li")] == [
        "Recommendation 3 appears twice",
        "Recommendation 11 appears twice",
        "Recommendation numbers are not consecutive from 1: missing 4",
    ]
    assert page.select_one("#review-form") is None
    assert [text_of(button) for button in page.select("main button")] == ["Discard this import"]
    response = admin.post(preview.request.path, data={"accept_warnings": "y"})
    assert [text_of(li) for li in soup_of(response).select("#problem-list li")][0] == "Recommendation 3 appears twice"
    # Only the draft holding the upload was written.
    assert row_counts() == {
        **before,
        "report_import_drafts": before["report_import_drafts"] + 1,
        "audit_events": before["audit_events"] + 1,
    }


def test_warnings_must_be_ticked_before_saving(admin):
    text = BARKING_TEXT.replace("Barking, Dagenham and Havering PDU", "Havering Test PDU")
    url = upload(admin, "havering.txt", text.encode(), "havering.txt").headers["Location"]
    warnings = [text_of(w) for w in soup_of(admin.get(url)).select("#warning-list .govuk-warning-text__text")]
    assert any(
        "Standard 2.4 Implementation and delivery is rated Requires improvement although its lowest "
        "key-question score, 48%, is in the Inadequate band" in warning
        for warning in warnings
    )
    assert change(admin, url, "pdu", pdu=str(organisations.find_pdu("Newham").id)).status_code == 302
    # The report's own PDU heading no longer names the PDU, so its recommendations need an owner chosen.
    for number in range(1, 8):
        assert change(admin, url, f"recommendations/{number}", owner_kind="pdu").status_code == 302
    before = row_counts()
    refused = save(admin, url)
    assert error_summary(refused) == ["Confirm that you have checked each warning against the report"]
    assert row_counts() == before
    assert save(admin, url, accept_warnings=True).status_code == 302
    assert len(inspection_for("Newham").recommendations) == 13


LAMBETH_HTML = report_bytes("lambeth-2023")[0].decode()
LAMBETH_5 = "fill vacant probation officer and senior probation officer posts in the PDU"


def lambeth_with(old: str, new: str) -> bytes:
    assert old in LAMBETH_HTML
    return LAMBETH_HTML.replace(old, new).encode()


def test_a_recommendation_run_into_the_following_table_is_corrected_here_and_then_saves(admin):
    damaged = lambeth_with(f"<li>{LAMBETH_5}</li>", f"<li>{LAMBETH_5}. <table><tr><td>Vacancies</td></tr></table></li>")
    url = upload(admin, "lambeth-damaged.html", damaged, "lambeth-damaged.html").headers["Location"]
    page = soup_of(admin.get(url))
    problem = (
        "Recommendation 5 runs on past the end of its sentence ('…ation officer posts in the PDU. Vacancies…'), "
        "so a line of the report may be lost after it"
    )
    # Nothing tells the administrator to upload another file: the page itself can put it right.
    assert "Upload the complete report" not in text_of(page.select_one("main"))
    assert page.select_one("#problem-list") is None
    assert text_of(page.select_one("#problems h2")) == "Correct recommendation 5 before saving"
    assert [(text_of(a), a["href"]) for a in page.select("#fixable-list a")] == [(problem, "#recommendation-5")]
    beside = page.select_one("#recommendation-5")
    assert [text_of(p) for p in beside.select(".recommendation-problem")] == [f"Error: {problem}"]
    fix = beside.select_one(".recommendation-fix a")
    assert (text_of(fix), fix["href"]) == ("Change recommendation 5 here", f"{url}/recommendations/5")
    assert page.select(".recommendation-problem") == beside.select(".recommendation-problem")
    assert page.select_one("#review-form") is None
    assert text_of(page.select_one("#save-after-correcting")) == (
        "Correct recommendation 5 above, then save the inspection here."
    )

    assert change(admin, url, "recommendations/5", text=LAMBETH_5).status_code == 302
    assert change(admin, url, "recommendations/8", owner_kind="region").status_code == 302
    page = soup_of(admin.get(url))
    assert page.select_one("#problems") is None and page.select(".recommendation-problem") == []
    assert page.select_one("#review-form [type=submit]") is not None
    response = save(admin, url)
    assert response.status_code == 302, error_summary(response)
    assert inspection_for("Lambeth").recommendations[4].text == LAMBETH_5


def test_recommendations_cut_short_or_without_a_heading_are_corrected_here(admin):
    damaged = lambeth_with(f"<li>{LAMBETH_5}</li>", "<li>fill vacant probation officer posts in the</li>")
    damaged = damaged.replace(b"<h3>Lambeth PDU should:</h3>", b"")
    url = upload(admin, "lambeth-damaged.html", damaged, "lambeth-damaged.html").headers["Location"]
    page = soup_of(admin.get(url))
    assert text_of(page.select_one("#problems h2")) == "Correct recommendations 1 to 5 before saving"
    assert [a["href"] for a in page.select("#fixable-list a")] == [f"#recommendation-{n}" for n in range(1, 6)]
    assert text_of(page.select_one("#recommendation-1 .recommendation-problem")) == (
        "Error: Recommendation 1 is not under a heading saying who should act"
    )
    assert text_of(page.select_one("#recommendation-5 .recommendation-problem")).startswith(
        "Error: Recommendation 5 ends '…fill vacant probation officer posts in the', which cannot be the end"
    )
    assert [text_of(a) for a in page.select(".recommendation-fix a")] == [
        f"Change recommendation {n} here" for n in range(1, 6)
    ]
    assert change(admin, url, "recommendations/5", text=LAMBETH_5).status_code == 302
    for number in range(1, 5):
        moved = change(admin, url, f"recommendations/{number}", addressee_kind="pdu", owner_kind="pdu")
        assert moved.status_code == 302
    page = soup_of(admin.get(url))
    assert page.select_one("#problems") is None
    assert change(admin, url, "recommendations/8", owner_kind="region").status_code == 302
    assert save(admin, url).status_code == 302
    saved = inspection_for("Lambeth").recommendations
    assert [(r.addressee_name, r.owner_org.display_name) for r in saved[:4]] == [("Lambeth PDU", "Lambeth PDU")] * 4
    assert saved[4].text == LAMBETH_5


def test_what_the_page_cannot_put_right_is_still_refused_beside_what_it_can(admin):
    damaged = lambeth_with(f"<li>{LAMBETH_5}</li>", f"<li>{LAMBETH_5}. Vacancies by grade</li>")
    damaged = damaged.replace(b'<ol start="8">', b'<ol start="9">').replace(
        b'<h3>HM Prison and Probation Service (HMPPS) should:</h3>\n  <ol start="9">',
        b'<h3>HM Prison and Probation Service (HMPPS) should:</h3>\n  <ol start="10">',
    )
    url = upload(admin, "lambeth-damaged.html", damaged, "lambeth-damaged.html").headers["Location"]
    page = soup_of(admin.get(url))
    assert text_of(page.select_one("#problems h2")) == "This report cannot be saved"
    assert [text_of(li) for li in page.select("#problem-list li")] == [
        "Recommendation numbers are not consecutive from 1: missing 8"
    ]
    assert [a["href"] for a in page.select("#fixable-list a")] == ["#recommendation-5"]
    assert "Upload the complete report" in [text_of(a) for a in page.select("main a")]
    assert page.select_one("#review-form") is None and page.select_one("#save-after-correcting") is None
    # Correcting recommendation 5 leaves the missing one: still nothing can be saved.
    assert change(admin, url, "recommendations/5", text=LAMBETH_5).status_code == 302
    page = soup_of(admin.get(url))
    assert page.select_one("#fixable-list") is None
    assert [text_of(li) for li in page.select("#problem-list li")] == [
        "Recommendation numbers are not consecutive from 1: missing 8"
    ]
    assert page.select_one("#review-form") is None


def document_order(page, *selectors: str) -> list[int]:
    everything = list(page.select_one("main").descendants)
    return [everything.index(page.select_one(selector)) for selector in selectors]


def test_the_confirmation_sits_at_the_top_with_the_warnings_it_confirms(admin):
    text = BARKING_TEXT.replace("Barking, Dagenham and Havering", "Newham")
    url = upload(admin, "newham.txt", text.encode(), "newham.txt").headers["Location"]
    page = soup_of(admin.get(url))
    warnings = page.select("#warning-list .govuk-warning-text__text")
    assert len(warnings) == 1 and "Standard 2.4 Implementation and delivery is rated" in text_of(warnings[0])
    assert text_of(page.select_one("#warnings")) == "1 thing to check against the report"
    tick = page.select_one("#review-form input[name=accept_warnings]")
    label = text_of(page.select_one(f"label[for='{tick['id']}']"))
    assert label == "I have checked each warning above against the report, and what will be saved is right"
    # Right below the warning, above every section and far above the Save button of the same form.
    warning_at, tick_at, first_card, save_at = document_order(
        page, "#warning-list", "input[name=accept_warnings]", "#section-pdu", "#review-form [type=submit]"
    )
    assert warning_at < tick_at < first_card < save_at
    refused = save(admin, url)
    assert error_summary(refused) == ["Confirm that you have checked each warning against the report"]
    link = soup_of(refused).select_one(".govuk-error-summary__list a")["href"]
    assert soup_of(refused).select_one(link)["name"] == "accept_warnings"
    assert save(admin, url, accept_warnings=True).status_code == 302


def test_doubted_recommendations_are_listed_at_the_top_with_the_confirmation(admin):
    lewisham = admin.get(upload(admin, "lewisham-bromley-2022").headers["Location"])
    page = soup_of(lewisham)
    assert [a["href"] for a in page.select("#doubt-list a")] == [f"#recommendation-{n}" for n in range(1, 9)]
    assert "Recommendation 1 may" not in " ".join(text_of(w) for w in page.select("#warning-list li"))
    doubts_at, tick_at, first_card = document_order(page, "#doubts-note", "input[name=accept_warnings]", "#section-pdu")
    assert doubts_at < tick_at < first_card


def test_a_clean_report_saves_with_one_press_of_save(admin):
    url = upload(admin, "newham-2023").headers["Location"]
    page = soup_of(admin.get(url))
    assert page.select_one("#no-warnings") is not None
    assert page.select_one("[name=accept_warnings]") is None and page.select_one("#problems") is None
    response = admin.post(url, data=form_values(admin.get(url), "review-form"))
    assert response.status_code == 302, error_summary(response)
    assert len(inspection_for("Newham").recommendations) == 5


def test_an_owner_to_choose_is_asked_at_the_top_with_a_link_to_choose_it(admin):
    url = upload(admin, "enfield-haringey-2024").headers["Location"]
    page = soup_of(admin.get(url))
    asked = page.select_one("#owners-needed")
    assert [(text_of(a), a["href"]) for a in asked.select("a")] == [
        ("Change recommendation 11 here", f"{url}/recommendations/11"),
        ("Change recommendation 12 here", f"{url}/recommendations/12"),
    ]
    assert document_order(page, "#owners-needed")[0] < document_order(page, "#section-pdu")[0]
