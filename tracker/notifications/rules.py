"""Calendar rules for reminders: working days from the `holidays` library, and the days each kind of
reminder falls due."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
from flask import current_app

WEEK = 7
#: [notifications] bank_holidays → the `holidays` library's subdivision of the United Kingdom
BANK_HOLIDAY_AREAS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


def bank_holidays_for(area: str) -> holidays.HolidayBase:
    if area not in BANK_HOLIDAY_AREAS:
        raise ValueError(f"notifications.bank_holidays must be one of {', '.join(BANK_HOLIDAY_AREAS)}, not {area!r}")
    return holidays.country_holidays("GB", subdiv=BANK_HOLIDAY_AREAS[area])


@dataclass(frozen=True)
class ReminderSettings:
    due_soon_days: tuple[int, ...]
    stale_after_days: int
    escalate_after_days: int
    bank_holidays: holidays.HolidayBase = field(compare=False)

    @classmethod
    def from_config(cls, config=None) -> "ReminderSettings":
        config = config if config is not None else current_app.config
        return cls(
            due_soon_days=tuple(sorted({int(d) for d in config.get("SCHEDULER_DUE_SOON_DAYS", [14, 3])}, reverse=True)),
            stale_after_days=int(config.get("SCHEDULER_STALE_AFTER_DAYS", 30)),
            escalate_after_days=int(config.get("SCHEDULER_ESCALATE_AFTER_DAYS", 28)),
            bank_holidays=bank_holidays_for(str(config.get("NOTIFICATIONS_BANK_HOLIDAYS", "england-and-wales"))),
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_day_on_or_before(self, day: date) -> date:
        return day if self.is_working_day(day) else self.previous_working_day(day)

    def first_working_day_of_week(self, day: date) -> date | None:
        """Monday, or the next working day of that week when Monday is a bank holiday."""
        monday = day - timedelta(days=day.weekday())
        return next((d for d in (monday + timedelta(days=n) for n in range(5)) if self.is_working_day(d)), None)

    def is_weekly_day(self, day: date) -> bool:
        return self.first_working_day_of_week(day) == day

    def window(self, as_of: date, last_run_on: date | None = None) -> list[date]:
        """The days this run speaks for: today and the weekend or holidays since the last working day, so a
        reminder falling due on a Saturday goes on Monday rather than never; and back to the last day that
        ran when the scheduler missed one (at most two weeks), so a missed day is caught up once."""
        start = self.previous_working_day(as_of) + timedelta(days=1)
        if last_run_on is not None and last_run_on < as_of:
            start = min(start, max(last_run_on + timedelta(days=1), as_of - timedelta(days=2 * WEEK)))
        return [start + timedelta(days=n) for n in range((as_of - start).days + 1)]


def falls_due(days_overdue: int, first: int) -> bool:
    """True on the first day past `first` days."""
    return days_overdue == first + 1


def owner_reason(target_on: date, window: list[date], settings: ReminderSettings, weekly_day: bool) -> str | None:
    """What to tell an action's owner in this run: due_soon, due_today, overdue or nothing. Overdue comes
    the first day it is, then on the person's weekly day rather than on the action's own anniversary."""
    if weekly_day and target_on < window[-1]:
        return "overdue"
    for day in window:
        days_left = (target_on - day).days
        if days_left == 0:
            return "due_today"
        if days_left in settings.due_soon_days:
            return "due_soon"
        if days_left < 0 and falls_due(-days_left, 0):
            return "overdue"
    return None


def overdue_falls_due(target_on: date, window: list[date], weekly_day: bool) -> bool:
    return (weekly_day and target_on < window[-1]) or any(falls_due((day - target_on).days, 0) for day in window)


def escalation_falls_due(target_on: date, window: list[date], settings: ReminderSettings, weekly_day: bool) -> bool:
    limit = settings.escalate_after_days
    if weekly_day and (window[-1] - target_on).days > limit:
        return True
    return any(falls_due((day - target_on).days, limit) for day in window)


def stale_falls_due(last_activity_on: date, window: list[date], settings: ReminderSettings, weekly_day: bool) -> bool:
    """An action with no update is reported the day it reaches the limit, then on the weekly day."""
    limit = settings.stale_after_days
    if weekly_day and (window[-1] - last_activity_on).days >= limit:
        return True
    return any(falls_due((day - last_activity_on).days, limit - 1) for day in window)
