"""Calendar rules for reminders: working days, and the dates on which each kind of reminder falls due."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app

WEEK = 7


@dataclass(frozen=True)
class ReminderSettings:
    due_soon_days: tuple[int, ...]
    stale_after_days: int
    escalate_after_days: int
    bank_holidays: frozenset[date]

    @classmethod
    def from_config(cls, config=None) -> "ReminderSettings":
        config = config if config is not None else current_app.config
        return cls(
            due_soon_days=tuple(sorted({int(d) for d in config.get("SCHEDULER_DUE_SOON_DAYS", [14, 3])},
                                       reverse=True)),
            stale_after_days=int(config.get("SCHEDULER_STALE_AFTER_DAYS", 30)),
            escalate_after_days=int(config.get("SCHEDULER_ESCALATE_AFTER_DAYS", 28)),
            bank_holidays=frozenset(date.fromisoformat(str(d)) for d in config.get("SCHEDULER_BANK_HOLIDAYS", [])),
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def window(self, as_of: date) -> list[date]:
        """The days this run speaks for: today and the weekend or holidays since the last working day,
        so a reminder falling due on a Saturday goes on Monday rather than never."""
        start = self.previous_working_day(as_of) + timedelta(days=1)
        return [start + timedelta(days=n) for n in range((as_of - start).days + 1)]


def falls_due(days_overdue: int, first: int) -> bool:
    """True on the first day past `first` days overdue and every week after it."""
    return days_overdue > first and (days_overdue - first - 1) % WEEK == 0


def owner_reason(target_on: date, window: list[date], settings: ReminderSettings) -> str | None:
    """What to tell an action's owner in this run: due_soon, due_today, overdue or nothing."""
    for day in window:
        days_left = (target_on - day).days
        if days_left == 0:
            return "due_today"
        if days_left in settings.due_soon_days:
            return "due_soon"
        if days_left < 0 and falls_due(-days_left, 0):
            return "overdue"
    return None


def overdue_falls_due(target_on: date, window: list[date]) -> bool:
    return any(falls_due((day - target_on).days, 0) for day in window)


def escalation_falls_due(target_on: date, window: list[date], settings: ReminderSettings) -> bool:
    return any(falls_due((day - target_on).days, settings.escalate_after_days) for day in window)


def stale_falls_due(last_activity_on: date, window: list[date], settings: ReminderSettings) -> bool:
    """An action with no update is reported the day it reaches the limit, then weekly while it stays quiet."""
    return any(falls_due((day - last_activity_on).days, settings.stale_after_days - 1) for day in window)
