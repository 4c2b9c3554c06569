"""Recommendations no one leads: listed when an import is done, and on the administrators' home page until a lead
is named for each."""

import pytest

from tests.conftest import ADMIN, DIRECTOR, HEAD, sign_in_as, soup_of, text_of
from tests.importer.test_views import change, error_summary, inspection_for, save, upload
from tests.readiness.conftest import counting_queries
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.importer import leads
from tracker.recommendations.models import Recommendation
from tracker.recommendations.services import set_response

NO_LEAD = "No one leads these recommendations yet, so no one is named to be reminded of them:"


@pytest.fixture
def admin(as_user):
    return as_user(ADMIN)


def import_lambeth(admin) -> str:
    """Upload, choose who follows up recommendation 8 (to the police), save; returns the review page's address."""
    url = upload(admin, "lambeth-2023").headers["Location"]
    assert change(admin, url, "recommendations/8", owner_kind="region").status_code == 302
    response = save(admin, url)
    assert response.status_code == 302, error_summary(response)
    assert response.headers["Location"].endswith(f"{url}/done")
    return url


def home_rows(client) -> list[list[str]]:
    page = soup_of(client.get("/"))
    return [[text_of(cell) for cell in row.select("td")] for row in page.select("#no-lead-recommendations tbody tr")]


def name_lead(recommendation: Recommendation, email: str) -> None:
    set_response(find_user(email), recommendation, "agreed", "", find_user(email).id)
    db.session.commit()


def test_the_done_page_lists_every_recommendation_no_one_leads_with_links(admin):
    url = import_lambeth(admin)
    inspection = inspection_for("Lambeth")
    page = soup_of(admin.get(f"{url}/done"))
    assert text_of(page.h1) == "Report imported"
    saved_as = page.select_one("#saved-as")
    assert saved_as.get_text(" ", strip=True).replace(" ,", ",") == (
        f"‘lambeth-2023.html’ is saved as {inspection.title}, with 9 recommendations."
    )
    assert saved_as.a["href"] == f"/inspections/{inspection.id}"
    assert text_of(page.select_one("#no-lead")) == f"! Warning {NO_LEAD}"
    links = [(text_of(a), a["href"]) for a in page.select("#no-lead-list li a")]
    assert links == [(f"Recommendation {r.number}", f"/recommendations/{r.id}") for r in inspection.recommendations]
    assert text_of(page.select("#no-lead-list li")[4]).endswith("(owned by London region)")
    # The link leads to the recommendation's page, which shows it has no lead yet.
    shown = soup_of(admin.get(links[0][1]))
    assert "No one leads it yet" in text_of(shown.select_one("#recommendation-summary #owner"))
    assert page.select_one("#open-inspection")["href"] == f"/inspections/{inspection.id}"


def test_the_done_page_of_an_upload_not_yet_saved_leads_back_to_checking_it(admin):
    url = upload(admin, "lambeth-2023").headers["Location"]
    response = admin.get(f"{url}/done")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)


def test_the_admin_home_lists_them_until_a_lead_is_named_for_each(admin, client):
    url = import_lambeth(admin)
    inspection = inspection_for("Lambeth")
    page = soup_of(admin.get("/"))
    assert text_of(page.select_one("#no-lead-heading")) == "Recommendations no one leads (9)"
    assert text_of(page.select_one("#no-lead-note")).startswith(
        "No one leads these recommendations yet, so no one is named to be reminded of them."
    )
    rows = home_rows(admin)
    assert [row[1] for row in rows] == [str(n) for n in range(1, 10)]
    assert rows[4][0].startswith("Lambeth PDU") and rows[4][3] == "London region"
    assert rows[3][2] == inspection.recommendations[3].text
    assert rows[0][2].endswith("...") and inspection.recommendations[0].text.startswith(rows[0][2][:-3])

    # The regional director names a lead for recommendation 5 on its lead page.
    fifth = inspection.recommendations[4]
    director = find_user(DIRECTOR)
    client.post("/sign-out")
    sign_in_as(client, DIRECTOR)
    response = client.post(
        f"/recommendations/{fifth.id}/lead", data={"lead_id": str(director.id), "version": str(fifth.version_id)}
    )
    assert response.status_code == 302
    client.post("/sign-out")
    sign_in_as(client, ADMIN)
    assert [row[1] for row in home_rows(client)] == ["1", "2", "3", "4", "6", "7", "8", "9"]
    assert text_of(soup_of(client.get("/")).select_one("#no-lead-heading")) == "Recommendations no one leads (8)"
    done = soup_of(client.get(f"{url}/done"))
    still = [f"Recommendation {n}" for n in (1, 2, 3, 4, 6, 7, 8, 9)]
    assert [text_of(a) for a in done.select("#no-lead-list a")] == still

    db.session.expire_all()
    for recommendation in inspection_for("Lambeth").recommendations:
        if recommendation.lead_id is None:
            name_lead(recommendation, ADMIN)
    page = soup_of(client.get("/"))
    assert page.select_one("#no-lead-heading") is None and page.select_one("#no-lead-recommendations") is None
    done = soup_of(client.get(f"{url}/done"))
    assert done.select_one("#no-lead") is None and done.select_one("#no-lead-list") is None


def test_only_administrators_are_shown_the_panel(admin, client):
    import_lambeth(admin)
    assert leads.home_panel_for(find_user(ADMIN)).total == 9
    for email in (HEAD, DIRECTOR):
        assert not leads.home_panel_for(find_user(email))
        client.post("/sign-out")
        sign_in_as(client, email)
        assert soup_of(client.get("/")).select_one("#no-lead-heading") is None


def test_the_list_shows_the_newest_inspections_first_and_counts_the_rest(admin, monkeypatch):
    import_lambeth(admin)
    url = upload(admin, "newham-2023").headers["Location"]
    assert save(admin, url).status_code == 302
    newham, lambeth = inspection_for("Newham"), inspection_for("Lambeth")
    found = leads.all_without_lead(limit=7)
    assert found.total == 14
    assert [(r.inspection_id, r.number) for r in found.recommendations] == [
        *[(newham.id, n) for n in range(1, 6)],
        (lambeth.id, 1),
        (lambeth.id, 2),
    ]
    assert [r.number for r in leads.without_lead(lambeth)] == list(range(1, 10))
    monkeypatch.setattr(leads, "HOME_LIMIT", 4)
    page = soup_of(admin.get("/"))
    assert len(page.select("#no-lead-recommendations tbody tr")) == 4
    assert text_of(page.select_one("#no-lead-more")) == "Showing the first 4 of 14, the newest inspections' first."


def admin_home_queries(client) -> int:
    with counting_queries() as statements:
        response = client.get("/")
    assert response.status_code == 200
    return len(statements)


def test_the_admin_home_runs_a_fixed_number_of_queries_however_many_no_one_leads(admin):
    import_lambeth(admin)
    one = admin_home_queries(admin)
    url = upload(admin, "newham-2023").headers["Location"]
    assert save(admin, url).status_code == 302
    two = admin_home_queries(admin)
    assert len(home_rows(admin)) == 14
    assert one == two
