"""Which dates a person may enter: every date typed into tracker is checked here, so no page can be broken by a
date far in the past or future, and no record starts out untrue (an action overdue the moment it is added).

Each check returns the GOV.UK error message to show on the date input, or None when the date is allowed."""

from datetime import date

from flask import current_app

from tracker.db_types import today
from tracker.templating import format_date

#: how far ahead a date may be, unless `[dates] years_ahead` says otherwise
DEFAULT_YEARS_AHEAD = 10


def latest_allowed() -> date:
    """The last date anyone may enter: `[dates] years_ahead` years after today."""
    years = int(current_app.config.get("DATES_YEARS_AHEAD", DEFAULT_YEARS_AHEAD))
    now = today()
    try:
        return now.replace(year=now.year + years)
    except ValueError:  # 29 February
        return now.replace(year=now.year + years, day=28)


def _too_late(label: str, on: date) -> str | None:
    latest = latest_allowed()
    if on > latest:
        return f"{label} must be on or before {format_date(latest)}"
    return None


def check_target_date(on: date, label: str = "Target date") -> str | None:
    """A new action's target date, and a new target date for an existing one: from today, within the range."""
    if on < today():
        return f"{label} must be today or in the future"
    return _too_late(label, on)


def check_revised_date(on: date, current: date, label: str = "New target date") -> str | None:
    """A revised target date must move the date, to today or later."""
    if on == current:
        return f"{label} must be different from the current target date, {format_date(current)}"
    return check_target_date(on, label)


def check_reinspection_date(on: date, inspection, label: str) -> str | None:
    """A re-inspection comes after the report it follows up: after its publication (or fieldwork) date."""
    after = inspection.published_on or inspection.fieldwork_on
    if after is not None and on <= after:
        what = "published" if inspection.published_on else "fieldwork began"
        return f"{label} must be after the report was {what}, {format_date(after)}"
    return _too_late(label, on)


def check_any_date(on: date, label: str) -> str | None:
    """Any other date typed in (a filter, a report's dates): within a range every page can show."""
    if on.year < 1990:
        return f"{label} must be after 1990"
    return _too_late(label, on)
