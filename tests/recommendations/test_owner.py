"""One "Owner" on the recommendation page: the organisation it is addressed to and the person leading it for them,
each row with one Change link to a page of its own; recommendations to the region or HMPPS labelled by their
addressee wherever they are listed."""

from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, soup_of, text_of
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.recommendations.models import Recommendation


def barking_rec(number: int) -> Recommendation:
    return db.session.scalar(
        select(Recommendation)
        .join(Inspection)
        .where(Recommendation.number == number)
        .order_by(Inspection.id, Recommendation.id)
    )


def summary(page) -> dict[str, tuple[str, list[str]]]:
    """Each row of the summary: its value, and where its Change links go."""
    rows = page.select("#recommendation-summary .govuk-summary-list__row")
    return {
        text_of(row.dt): (
            text_of(row.select_one(".govuk-summary-list__value")),
            [a["href"] for a in row.select(".govuk-summary-list__actions a")],
        )
        for row in rows
    }


def test_one_owner_row_names_the_organisation_and_who_leads_it(as_user):
    rec = barking_rec(8)
    rows = summary(soup_of(as_user(DIRECTOR).get(f"/recommendations/{rec.id}")))
    assert list(rows) == ["Owner", "Response", "Related standards"]
    owner, owner_links = rows["Owner"]
    assert owner.startswith("London region")
    assert owner.endswith("Led by " + rec.lead.name if rec.lead else "No one leads it yet")
    # one Change link a row, and no two going to the same page
    assert owner_links == [f"/recommendations/{rec.id}/lead"]
    assert rows["Response"][1] == [f"/recommendations/{rec.id}/response"]


def test_the_caption_says_who_the_recommendation_is_for(as_user):
    page = soup_of(as_user(HMPPS).get(f"/recommendations/{barking_rec(12).id}"))
    assert text_of(page.select_one(".govuk-caption-l")) == (
        "HM Prison and Probation Service (Barking, Dagenham and Havering PDU inspection)"
    )
    page = soup_of(as_user(HEAD).get(f"/recommendations/{barking_rec(1).id}"))
    assert text_of(page.select_one(".govuk-caption-l")) == "Barking, Dagenham and Havering PDU"


def test_a_viewer_sees_the_owner_without_a_change_link(as_user):
    rows = summary(soup_of(as_user(VIEWER).get(f"/recommendations/{barking_rec(1).id}")))
    assert rows["Owner"][0].startswith("Barking, Dagenham and Havering PDU")
    assert rows["Owner"][1] == [] and rows["Response"][1] == []


def test_the_lead_is_changed_on_its_own_page_and_the_history_names_the_people(as_user):
    rec = barking_rec(2)
    client = as_user(HEAD)
    page = soup_of(client.get(f"/recommendations/{rec.id}/lead"))
    assert text_of(page.h1) == "Who leads this recommendation"
    assert "Barking, Dagenham and Havering PDU owns this recommendation." in text_of(page.select_one("#lead-owner"))
    options = {text_of(o): o["value"] for o in page.select("select[name=lead_id] option")}
    assert options["No one yet"] == "0" and "Taylor Okafor" in options
    response = client.post(
        f"/recommendations/{rec.id}/lead", data={"lead_id": options["Taylor Okafor"], "version": rec.version_id}
    )
    assert response.status_code == 302
    page = soup_of(client.get(f"/recommendations/{rec.id}"))
    assert summary(page)["Owner"][0].endswith("Led by Taylor Okafor")
    history = text_of(page.select_one("#history-events"))
    assert "Chris Morgan : Made Taylor Okafor the lead" in history

    db.session.expire_all()
    version = db.session.get(Recommendation, rec.id).version_id
    client.post(f"/recommendations/{rec.id}/lead", data={"lead_id": "0", "version": version})
    history = text_of(soup_of(client.get(f"/recommendations/{rec.id}")).select_one("#history-events"))
    assert "Removed Taylor Okafor as the lead" in history


def test_the_response_page_is_for_the_response_alone(as_user):
    rec = barking_rec(3)
    page = soup_of(as_user(HEAD).get(f"/recommendations/{rec.id}/response"))
    assert text_of(page.h1) == "Response"
    assert page.select_one("select[name=lead_id]") is None
    # a response saved leaves the lead as it was
    lead_before = rec.lead_id
    response = as_user(HEAD).post(
        f"/recommendations/{rec.id}/response", data={"response": "agreed", "rationale": "", "version": rec.version_id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Recommendation, rec.id).lead_id == lead_before


def test_only_those_who_manage_it_may_change_the_lead(as_user):
    rec = barking_rec(1)
    for email in (OWNER, VIEWER, DIRECTOR):
        assert as_user(email).get(f"/recommendations/{rec.id}/lead").status_code == 403, email
    # someone without a role at the owner or the PDU is not offered, and is refused
    outsider = find_user(HMPPS)
    page = soup_of(
        as_user(HEAD).post(f"/recommendations/{rec.id}/lead", data={"lead_id": outsider.id, "version": rec.version_id})
    )
    assert "Not a valid choice" in text_of(page.select_one(".govuk-error-summary"))
    db.session.expire_all()
    assert db.session.get(Recommendation, rec.id).lead_id != outsider.id


def test_lists_and_search_label_the_region_and_hmpps_recommendations_by_their_addressee(as_user):
    client = as_user(HMPPS)
    page = soup_of(client.get("/recommendations?addressee=region"))
    cells = {text_of(row.select("td")[0]) for row in page.select("#recommendations-table tbody tr")}
    assert "London region (Barking, Dagenham and Havering PDU inspection)" in cells
    assert "Barking, Dagenham and Havering" not in cells
    rec = barking_rec(12)
    word = rec.text.split()[-1].strip(".")
    hits = soup_of(client.get(f"/search?q={word}")).select('ul[data-kind="recommendations"] li')
    labels = [text_of(hit.select_one(".govuk-hint")) for hit in hits]
    assert (
        "Recommendation 12, HM Prison and Probation Service (Barking, Dagenham and Havering PDU inspection)" in labels
    )
    actions = soup_of(client.get(f"/actions?recommendation={rec.id}"))
    for row in actions.select("#actions-table tbody tr"):
        assert text_of(row.select("td")[2]).endswith(
            "HM Prison and Probation Service (Barking, Dagenham and Havering PDU inspection)"
        )
