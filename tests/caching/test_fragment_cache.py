"""Cached dashboard tables: shared by people with the same roles, never served after the data changes, and never
shown to someone whose roles differ."""

import pytest
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, VIEWER, sign_in_as, soup_of, text_of
from tracker.actions.models import Action
from tracker.actions.services import post_update
from tracker.auth.models import REGIONAL_DIRECTOR, RoleAssignment, SignInAttempt
from tracker.auth.services import create_user, find_user
from tracker.caching.models import DataVersion
from tracker.caching.services import cached
from tracker.db_types import today
from tracker.extensions import db
from tracker.organisations.services import find_pdu, find_region
from tracker.readiness import views


def committed_version() -> int:
    return db.session.scalar(select(DataVersion.version))


def barking_overdue(client) -> int:
    page = soup_of(client.get("/dashboard"))
    row = next(tr for tr in page.select("#dashboard-table tbody tr") if "Barking" in text_of(tr.th))
    return int(text_of(row.select_one('td[data-column="overdue"]')))


@pytest.fixture
def builds(monkeypatch) -> list:
    """One entry each time a dashboard table is built rather than taken from the cache."""
    calls = []
    real = views._table

    def counting(*args, **kwargs):
        calls.append(kwargs.get("heading"))
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "_table", counting)
    return calls


def an_overdue_barking_action() -> Action:
    barking = find_pdu("Barking, Dagenham and Havering")
    return next(
        a
        for a in db.session.scalars(select(Action))
        if a.is_overdue(today()) and a.recommendation.inspection.pdu_id == barking.id
    )


def test_a_committed_change_raises_the_version_once(app):
    before = committed_version()
    action = an_overdue_barking_action()
    post_update(find_user(HEAD), action, "Done and signed off by the team", new_status="complete")
    assert committed_version() == before + 1


def test_changes_no_page_shows_and_rolled_back_changes_leave_the_version_alone(app):
    before = committed_version()
    db.session.add(SignInAttempt(address="203.0.113.9"))
    db.session.commit()
    assert committed_version() == before
    an_overdue_barking_action().description = "Changed, then thought better of"
    db.session.flush()
    db.session.rollback()
    assert committed_version() == before


def test_the_dashboard_shows_a_change_made_after_its_table_was_cached(app, client, builds):
    director = sign_in_as(client, DIRECTOR)
    overdue = barking_overdue(director)
    assert overdue > 0
    assert barking_overdue(director) == overdue
    assert len(builds) == 1, "the second view should have come from the cache"
    post_update(find_user(HEAD), an_overdue_barking_action(), "Completed", new_status="complete")
    assert barking_overdue(director) == overdue - 1
    assert len(builds) == 2


def test_people_with_the_same_roles_share_a_table_and_others_get_their_own(app, builds):
    london = find_region("London")
    create_user(
        "second.director@example.org", "Sam Second", "a long password for tests", [(REGIONAL_DIRECTOR, london.id)]
    )
    db.session.commit()
    first = sign_in_as(app.test_client(), DIRECTOR)
    second = sign_in_as(app.test_client(), "second.director@example.org")
    head = sign_in_as(app.test_client(), HEAD)

    first_table = soup_of(first.get("/dashboard")).select_one("#dashboard-table")
    assert soup_of(second.get("/dashboard")).select_one("#dashboard-table") == first_table
    assert builds == ["Readiness in London region"]

    head_page = soup_of(head.get("/dashboard"))
    # a head of one PDU gets their PDU's readiness summary, built for them, not the region's table
    assert head_page.h1.get_text(strip=True) == "Readiness in Barking, Dagenham and Havering PDU"
    assert head_page.select_one("#dashboard-table") is None
    assert builds == ["Readiness in London region"]
    # and each page's own header still names who is signed in
    assert "Sam Second" in text_of(soup_of(second.get("/dashboard")).select_one(".tracker-sign-out"))


def test_a_new_role_changes_the_dashboard_at_once(app, client):
    director = sign_in_as(client, DIRECTOR)
    assert soup_of(director.get("/dashboard")).h1.get_text(strip=True) == "Readiness in London region"
    user = find_user(DIRECTOR)
    viewer_roles = [(a.role, a.organisation_id) for a in find_user(VIEWER).roles]
    user.roles.clear()
    db.session.commit()
    for role, organisation_id in viewer_roles:
        user.roles.append(RoleAssignment(role=role, organisation_id=organisation_id))
    db.session.commit()
    assert soup_of(director.get("/dashboard")).h1.get_text(strip=True) == "Readiness in every region"


def test_sorting_and_filters_are_cached_separately(app, client):
    director = sign_in_as(client, DIRECTOR)

    def names(order: str) -> list[str]:
        # PDUs with no inspection are listed in one line after the table, in the order asked for
        return [
            text_of(li)
            for li in soup_of(director.get(f"/dashboard?sort=name&order={order}")).select("#no-inspection-list li")
        ]

    ascending = names("asc")
    assert len(ascending) > 1
    assert names("desc") == list(reversed(ascending))


def test_switched_off_the_cache_builds_every_time(app):
    built = []
    app.config["CACHE_ENABLED"] = False
    try:
        with app.test_request_context():
            cached(("test",), lambda: built.append(1))
            cached(("test",), lambda: built.append(1))
    finally:
        app.config["CACHE_ENABLED"] = True
    assert len(built) == 2
    with app.test_request_context():
        cached(("test",), lambda: built.append(1))
        cached(("test",), lambda: built.append(1))
    assert len(built) == 3


def test_the_remembered_page_header_follows_the_person_and_the_page(app):
    from tests.conftest import ADMIN

    admin = sign_in_as(app.test_client(), ADMIN)
    viewer = sign_in_as(app.test_client(), VIEWER)
    for _ in range(2):  # the second time round every header comes from the cache
        admin_page = soup_of(admin.get("/inspections"))
        viewer_page = soup_of(viewer.get("/dashboard"))
        assert "Administration" in text_of(admin_page.select_one(".govuk-service-navigation"))
        assert "Administration" not in text_of(viewer_page.select_one(".govuk-service-navigation"))
        assert text_of(admin_page.select_one(".govuk-service-navigation__item--active")) == "Inspections"
        assert text_of(viewer_page.select_one(".govuk-service-navigation__item--active")) == "Dashboard"
        assert find_user(ADMIN).name in text_of(admin_page.select_one(".tracker-sign-out"))
        assert find_user(VIEWER).name in text_of(viewer_page.select_one(".tracker-sign-out"))
    anonymous = soup_of(app.test_client().get("/accessibility"))
    assert anonymous.select_one(".tracker-sign-out") is None
    assert anonymous.select(".govuk-service-navigation__item") == []


def test_a_savepoint_rolled_back_keeps_the_changes_made_before_it(app):
    before = committed_version()
    an_overdue_barking_action().description = "Changed before the savepoint"
    db.session.flush()
    savepoint = db.session.begin_nested()
    db.session.add(SignInAttempt(address="203.0.113.10"))
    savepoint.rollback()
    db.session.commit()
    assert committed_version() == before + 1
