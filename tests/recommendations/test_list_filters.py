"""The recommendations list has the same filters as every other list: MoJ Frontend's filter layout with its
toggle, each applied filter a removable tag, and the list narrowed to match."""

from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from tests.conftest import DIRECTOR, soup_of, text_of
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.recommendations.models import Recommendation


def test_the_list_has_the_moj_filter_layout_with_the_toggle(as_user):
    page = soup_of(as_user(DIRECTOR).get("/recommendations"))
    layout = page.select_one("#recommendations-filter-layout.moj-filter-layout")
    assert layout is not None
    panel = layout.select_one(".moj-filter-layout__filter[data-module=tracker-filter]")
    assert panel is not None and panel.select_one("form#recommendation-filters") is not None
    assert panel.select_one(".moj-filter__header-action") is not None, "the close button's place"
    content = layout.select_one(".moj-filter-layout__content")
    assert content.select_one(".moj-action-bar .moj-action-bar__filter") is not None, "the toggle's place"
    assert content.select_one("#recommendations-table") is not None
    assert page.select_one("#selected-filters") is None
    count = page.select_one("#recommendation-count")
    assert text_of(count.strong) == "13 recommendations" and "matching" not in text_of(count)


def test_applied_filters_are_removable_tags_and_narrow_the_list(app, as_user):
    page = soup_of(as_user(DIRECTOR).get("/recommendations?addressee=region&mine=1"))
    tags = {
        text_of(a).removeprefix("Remove this filter: "): a["href"]
        for a in page.select("#selected-filters .moj-filter__tag")
    }
    assert set(tags) == {"Addressed to The region", "Recommendations Those you own or lead"}, tags
    assert parse_qs(urlparse(tags["Addressed to The region"]).query) == {"mine": ["1"]}
    assert parse_qs(urlparse(tags["Recommendations Those you own or lead"]).query) == {"addressee": ["region"]}
    with app.app_context():
        expected = {
            rec.number
            for rec in db.session.scalars(
                select(Recommendation).where(
                    Recommendation.addressee_kind == "region", Recommendation.lead_id == find_user(DIRECTOR).id
                )
            )
        }
    rows = page.select("#recommendations-table tbody tr")
    assert expected and {int(text_of(row.select("td")[1])) for row in rows} == expected
    count = page.select_one("#recommendation-count")
    assert text_of(count.strong) == f"{len(expected)} recommendations" and "matching the filters" in text_of(count)
    form = page.select_one("form#recommendation-filters")
    assert form.select_one("select[name=addressee] option[selected]")["value"] == "region"
    assert form.select_one("input[type=hidden][name=mine]")["value"] == "1"
