"""Dates that make sense: a new action is due today or later, a slip is corrected freely until work is recorded,
after which a change is a revision with a reason; re-inspections come after the report; and no stored date,
however wild, breaks a page."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, OWNER, date_fields, long_date, soup_of, text_of
from tracker.actions.models import Action, TargetDateRevision
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.recommendations.models import Recommendation

LATEST = DEMO_TODAY.replace(year=DEMO_TODAY.year + 10)


@pytest.fixture
def rec(app):
    with app.app_context():
        return db.session.scalar(select(Recommendation.id).where(Recommendation.number == 3))


def errors_on(page) -> list[str]:
    return [text_of(a) for a in page.select(".govuk-error-summary__list a")]


def add_action(client, rec_id, on: date, description="Weekly SPO case review clinic"):
    with client.application.app_context():
        owner_id = find_user(OWNER).id
    return client.post(
        f"/recommendations/{rec_id}/actions/new",
        data={"description": description, "owner_id": str(owner_id), "target_on": date_fields(on)},
    )


def actions_named(app, description: str) -> list[Action]:
    with app.app_context():
        return list(db.session.scalars(select(Action).where(Action.description == description)))


@pytest.mark.parametrize("on", [DEMO_TODAY, DEMO_TODAY + timedelta(days=1), LATEST])
def test_a_new_action_may_be_due_from_today_to_ten_years_ahead(app, as_user, rec, on):
    assert add_action(as_user(HEAD), rec, on).status_code == 302
    assert [a.target_on for a in actions_named(app, "Weekly SPO case review clinic")] == [on]


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (DEMO_TODAY - timedelta(days=1), "Target date must be today or in the future"),
        (date(2025, 3, 1), "Target date must be today or in the future"),
        (LATEST + timedelta(days=1), f"Target date must be on or before {long_date(LATEST)}"),
        (date(9999, 12, 31), f"Target date must be on or before {long_date(LATEST)}"),
    ],
)
def test_a_new_action_due_in_the_past_or_too_far_ahead_is_refused_on_the_form(app, as_user, rec, on, message):
    page = soup_of(add_action(as_user(HEAD), rec, on))
    assert errors_on(page) == [message]
    # the GOV.UK date input shows the error against the boxes, and keeps what was typed
    assert message in text_of(page.select_one("#target_on-error"))
    assert page.select_one("input[name=target_on]")["value"] == str(on.day)
    assert "Weekly SPO case review clinic" in page.select_one("textarea[name=description]").get_text()
    assert actions_named(app, "Weekly SPO case review clinic") == []


def test_a_slip_is_corrected_freely_until_work_is_recorded(app, as_user, rec):
    client = as_user(HEAD)
    typo, meant = DEMO_TODAY + timedelta(days=400), DEMO_TODAY + timedelta(days=40)
    action_url = add_action(client, rec, typo).headers["Location"]
    page = soup_of(client.get(action_url + "/revise-date"))
    assert text_of(page.select_one("h1")) == "Correct the target date"
    assert page.select_one("textarea[name=reason]") is None

    assert client.post(action_url + "/revise-date", data={"target_on": date_fields(meant)}).status_code == 302
    page = soup_of(client.get(action_url))
    assert text_of(page.select_one("#target-date")) == long_date(meant)
    assert page.select_one("#original-target-date") is None
    with app.app_context():
        action = actions_named(app, "Weekly SPO case review clinic")[0]
        action = db.session.get(Action, action.id)
        assert (action.original_target_on, action.target_on) == (meant, meant)
        assert (
            db.session.scalar(
                select(func.count(TargetDateRevision.id)).where(TargetDateRevision.action_id == action.id)
            )
            == 0
        )
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.entity_id == action.id, AuditEvent.verb == "correct_date")
        )
        assert event.before["target_on"] == typo.isoformat()
        assert event.after["target_on"] == meant.isoformat()
    # the correction is in the history the director reads
    history = text_of(soup_of(as_user(DIRECTOR).get(f"/recommendations/{rec}")).select_one("#history-events"))
    assert (
        f"Target date of “Weekly SPO case review clinic” corrected from {typo.isoformat()} to {meant.isoformat()}"
    ) in history


def test_once_work_is_recorded_a_change_is_a_revision_with_a_reason(app, as_user, rec):
    client = as_user(HEAD)
    # within [actions] redate_limit_days, so the change needs no one else's agreement (tests/actions/test_date_requests)
    first, later = DEMO_TODAY + timedelta(days=30), DEMO_TODAY + timedelta(days=50)
    action_url = add_action(client, rec, first).headers["Location"]
    client.post(action_url + "/updates/new", data={"narrative": "Clinic booked"})
    page = soup_of(client.get(action_url + "/revise-date"))
    assert text_of(page.select_one("h1")) == "Change the target date"

    page = soup_of(client.post(action_url + "/revise-date", data={"target_on": date_fields(first), "reason": "x"}))
    assert errors_on(page) == [f"New target date must be different from the current target date, {long_date(first)}"]
    page = soup_of(
        client.post(
            action_url + "/revise-date",
            data={"target_on": date_fields(DEMO_TODAY - timedelta(days=1)), "reason": "Backdated"},
        )
    )
    assert errors_on(page) == ["New target date must be today or in the future"]

    assert (
        client.post(
            action_url + "/revise-date", data={"target_on": date_fields(later), "reason": "Rota delayed"}
        ).status_code
        == 302
    )
    page = soup_of(client.get(action_url))
    assert text_of(page.select_one("#original-target-date")) == long_date(first)
    assert "Rota delayed" in text_of(page.select_one("#revisions-table"))


def test_a_correction_is_refused_by_the_service_once_work_is_recorded(app, rec):
    from tracker.actions import services

    with app.app_context():
        head = find_user(HEAD)
        action = services.create_action(
            head, db.session.get(Recommendation, rec), "Clinic", None, DEMO_TODAY + timedelta(days=10)
        )
        services.post_update(head, action, "Started")
        with pytest.raises(services.ActionError, match="give a reason"):
            services.correct_target_date(head, action, DEMO_TODAY + timedelta(days=20))
        with pytest.raises(services.ActionError, match="today or in the future"):
            services.create_action(head, action.recommendation, "Late", None, DEMO_TODAY - timedelta(days=1))


def reinspection_form(on_expected: date | None, on_confirmed: date | None) -> dict:
    return {
        "expected_on": date_fields(on_expected) if on_expected else ["", "", ""],
        "confirmed_on": date_fields(on_confirmed) if on_confirmed else ["", "", ""],
    }


def barking(app) -> tuple[int, date]:
    with app.app_context():
        inspection = db.session.scalar(select(Inspection).order_by(Inspection.id))
        return inspection.id, inspection.published_on


def test_a_reinspection_comes_after_the_report_was_published(app, as_user):
    inspection_id, published = barking(app)
    client = as_user(DIRECTOR)
    url = f"/inspections/{inspection_id}/reinspection-dates"
    page = soup_of(client.post(url, data=reinspection_form(published, None)))
    assert errors_on(page) == [
        f"Expected re-inspection date must be after the report was published, {long_date(published)}"
    ]
    page = soup_of(client.post(url, data=reinspection_form(None, date(2020, 1, 1))))
    assert errors_on(page) == [
        f"Confirmed re-inspection date must be after the report was published, {long_date(published)}"
    ]
    page = soup_of(client.post(url, data=reinspection_form(None, date(9999, 12, 31))))
    assert errors_on(page) == [f"Confirmed re-inspection date must be on or before {long_date(LATEST)}"]

    # the day after publication is allowed, and a confirmed date before the expected one is fine
    expected, confirmed = DEMO_TODAY + timedelta(days=200), published + timedelta(days=1)
    assert client.post(url, data=reinspection_form(expected, confirmed)).status_code == 302
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert (inspection.expected_reinspection_on, inspection.confirmed_reinspection_on) == (expected, confirmed)


@pytest.mark.parametrize("stored", [date(9999, 12, 31), date(1, 1, 1)])
def test_no_stored_date_breaks_readiness_for_anyone(app, as_user, stored):
    """Dates from before the rules (or from the database directly) are shown, never a server error; the chart
    keeps to a readable span."""
    inspection_id, _ = barking(app)
    with app.app_context():
        action = db.session.scalar(
            select(Action).join(Recommendation).where(Recommendation.inspection_id == inspection_id).order_by(Action.id)
        )
        action.target_on = action.original_target_on = stored
        db.session.get(Inspection, inspection_id).confirmed_reinspection_on = stored
        db.session.commit()
    for email in (HEAD, DIRECTOR):
        client = as_user(email)
        for url in (f"/inspections/{inspection_id}/readiness", f"/inspections/{inspection_id}/readiness/print"):
            response = client.get(url)
            assert response.status_code == 200
            assert len(response.data) < 1_000_000
            chart = soup_of(response).select_one("#chart-actions-over-time")
            axis = [text_of(t) for t in chart.select("svg text[text-anchor=middle]") if text_of(t)]
            assert 1 <= len(axis) <= 6


def test_a_long_plan_is_charted_by_quarter_with_labels_that_do_not_overlap(app, as_user):
    inspection_id, _ = barking(app)
    with app.app_context():
        action = db.session.scalar(
            select(Action).join(Recommendation).where(Recommendation.inspection_id == inspection_id).order_by(Action.id)
        )
        action.original_target_on = DEMO_TODAY - timedelta(days=4 * 365)
        db.session.commit()
    page = soup_of(as_user(HEAD).get(f"/inspections/{inspection_id}/readiness"))
    chart = page.select_one("#chart-actions-over-time")
    axis = [text_of(t) for t in chart.select("svg text[text-anchor=middle]") if text_of(t)]
    assert 2 <= len(axis) <= 6
    table = page.select_one("#chart-actions-over-time table") or page.select_one("#chart-actions-over-time-table")
    assert table is not None
    assert "Quarter end" in text_of(table) or "Year end" in text_of(table)
