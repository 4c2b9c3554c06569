"""Slippage is a fact that stays: an action re-dated past the date first agreed reads as slipped on the home page,
the dashboards, the lists and the export until it is done, and a completed one as on time or so many days late."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, date_fields, soup_of, text_of
from tracker.actions.models import Action, timeliness
from tracker.db_types import today
from tracker.extensions import db
from tracker.recommendations.status import COMPLETE

DAY = date(2026, 11, 26)


@pytest.fixture
def inspection(app):
    from tracker.inspections.models import Inspection

    return db.session.scalar(select(Inspection).order_by(Inspection.id))


@pytest.mark.parametrize(
    ("status", "original", "target", "completed", "key", "label"),
    [
        ("in_progress", 10, 10, None, "due_soon", "Due soon"),
        ("in_progress", 30, 30, None, "on_track", "On track"),
        ("in_progress", 10, 40, None, "slipped", "Slipped 30 days"),
        ("in_progress", -20, -5, None, "overdue", "Overdue by 5 days, slipped 15 days"),
        ("not_started", -3, -3, None, "overdue", "Overdue by 3 days"),
        ("complete", -10, 20, -12, "complete_on_time", "Complete on time"),
        ("complete", -40, -1, -5, "complete_late", "Complete, 35 days late"),
    ],
)
def test_the_rule_overdue_beats_slipped_and_completion_is_judged_on_the_first_date(
    status, original, target, completed, key, label
):
    flag = timeliness(
        status,
        DAY + timedelta(days=original),
        DAY + timedelta(days=target),
        DAY + timedelta(days=completed) if completed is not None else None,
        DAY,
    )
    assert (flag.key, flag.label) == (key, label)


def overdue_action() -> Action:
    return db.session.scalar(select(Action).where(Action.description.startswith("Agree a domestic abuse call-out")))


def slipped_in_barking(inspection) -> int:
    return sum(1 for rec in inspection.recommendations for action in rec.actions if action.is_slipped)


def task_count(page, key: str) -> int:
    status = page.select_one(f'[data-task="{key}"] .govuk-task-list__status')
    assert status is not None, key
    value = text_of(status)
    return 0 if value == "None" else int(value)


def redate(client, action, days: int):
    new_on = today() + timedelta(days=days)
    response = client.post(
        f"/actions/{action.id}/revise-date",
        data={
            "target_on": date_fields(new_on),
            "reason": "Police unit restructure delayed sign-off.",
            "version": action.version_id,
        },
    )
    assert response.status_code == 302, soup_of(response).select_one(".govuk-error-summary")
    return new_on


def test_re_dating_an_overdue_action_keeps_it_visible_as_slipped(as_user, inspection):
    action = overdue_action()
    assert action.is_overdue(today()) and not action.is_slipped
    director = as_user(DIRECTOR)
    home_before = soup_of(director.get("/"))
    region_key = next(
        li["data-task"] for li in home_before.select("[data-task]") if li["data-task"].startswith("slipped-region-")
    )
    region_before = task_count(home_before, region_key)
    overdue_key = region_key.replace("slipped", "overdue")
    overdue_before = task_count(home_before, overdue_key)
    slipped_before = slipped_in_barking(inspection)

    head = as_user(HEAD)
    redate(head, action, 10)
    db.session.expire_all()
    assert overdue_action().slipped_by == 20

    head_home = soup_of(head.get("/"))
    assert task_count(head_home, "slipped") >= 1
    assert "Agree a domestic abuse call-out" in text_of(head_home.select_one("#slipped-actions"))
    assert "slipped 20 days" in text_of(head_home.select_one("#slipped-actions"))

    director = as_user(DIRECTOR)
    home = soup_of(director.get("/"))
    assert task_count(home, overdue_key) == overdue_before - 1
    assert task_count(home, region_key) == region_before + 1
    listed = soup_of(director.get(home.select_one(f'[data-task="{region_key}"] a')["href"]))
    assert "Agree a domestic abuse call-out" in text_of(listed.select_one("#actions-table"))
    assert "Slipped 20 days" in text_of(listed.select_one("#actions-table"))

    dashboard = soup_of(director.get("/dashboard"))
    barking = next(tr for tr in dashboard.select("#dashboard-table tbody tr") if "Barking" in text_of(tr.th))
    assert int(text_of(barking.select_one('td[data-column="slipped"]'))) == slipped_before + 1
    assert text_of(barking.select_one('td[data-column="rag"]')) in ("Overdue", "Slipping")

    sheet = load_workbook(io.BytesIO(director.get(f"/inspections/{inspection.id}/action-plan.xlsx").data)).active
    headings = [c.value for c in sheet[7]]
    row = next(
        r
        for r in sheet.iter_rows(min_row=8, values_only=True)
        if (r[headings.index("Action")] or "").startswith("Agree a domestic abuse call-out")
    )
    assert row[headings.index("Timeliness")] == "Slipped 20 days"
    assert row[headings.index("Days slipped")] == 20


def test_the_action_page_says_how_far_it_slipped_and_whether_it_finished_on_time(as_user, inspection):
    client = as_user(HEAD)
    late = db.session.scalar(select(Action).where(Action.description.startswith("Run risk of harm assessment")))
    on_time = db.session.scalar(select(Action).where(Action.description.startswith("Add domestic abuse and")))
    assert late.status == on_time.status == COMPLETE
    page = soup_of(client.get(f"/actions/{late.id}"))
    expected = (late.completed_on - late.original_target_on).days
    assert text_of(page.select_one("#completion-timing")) == f"{expected} days late"
    assert f"Complete, {expected} days late" in text_of(page.h1)
    page = soup_of(client.get(f"/actions/{on_time.id}"))
    assert text_of(page.select_one("#completion-timing")) == "on time"
    assert "Complete on time" in text_of(page.h1)

    action = overdue_action()
    redate(client, action, 10)
    page = soup_of(client.get(f"/actions/{action.id}"))
    assert text_of(page.select_one("#slipped-by")).startswith("20 days later than first agreed")
    assert "Slipped 20 days" in text_of(page.h1)


def test_the_actions_list_filters_slipped_actions(as_user, inspection):
    client = as_user(DIRECTOR)
    action = overdue_action()
    redate(as_user(HEAD), action, 10)
    client = as_user(DIRECTOR)
    page = soup_of(client.get("/actions?slipped=y"))
    rows = page.select("#actions-table tbody tr")
    db.session.expire_all()
    expected = db.session.scalars(
        select(Action).where(Action.status != COMPLETE, Action.target_on > Action.original_target_on)
    ).all()
    assert len(rows) == len(expected) >= 1
    assert all("Slipped" in text_of(tr) for tr in rows)
    assert "Slipped only" in text_of(page.select_one("#selected-filters"))
