"""Simulates 26 weeks of daily `run-jobs` on the Barking demo left untouched, then on national data, and
prints per person per week what the email would feel like: messages (mean and max, and at most per day),
the same action in two messages of one week, an action twice in one message, escalations to the owner; then the
longest message for each word limit (tracker.notifications.daily), how many run over it, and any record linked
twice in one message.

A third of the people (by id) choose the weekly summary, the rest immediate reminders. Mail goes to the
sink of a scratch SQLite database; the figures are read back from the outbox.

Usage: PYTHONPATH=. .venv/bin/python benchmarks/simulate_mail.py [--weeks 26] [--skip-national]"""

import argparse
import re
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from benchmarks.scratch import demo_on_scratch
from tracker.extensions import db

TODAY = date(2026, 11, 26)
PASSWORD = "simulate-" + "password"
ACTION_LINK = re.compile(r"/actions/(\d+)")
#: parts of a message that summarise rather than list a person's actions
SUMMARY_HEADINGS = ("\nREADINESS FOR RE-INSPECTION", "\nRE-INSPECTION HAS HAPPENED", " THIS WEEK\n")


def choose_preferences() -> None:
    from tracker.auth.models import IMMEDIATE, WEEKLY, User

    for user in db.session.scalars(select(User)):
        user.reminder_preference = WEEKLY if user.id % 3 == 0 else IMMEDIATE
    db.session.commit()


def run_weeks(first: date, weeks: int) -> None:
    from flask import current_app

    from tracker.notifications import jobs, services

    for n in range(weeks * 7):
        jobs.run_day(current_app.config, first + timedelta(days=n))
        services.send_outbox()


def action_sections(text: str) -> tuple[list[int], list[int]]:
    """Action links in the parts that list actions, and those under 'ESCALATED TO YOU'."""
    for heading in SUMMARY_HEADINGS:
        text = text.split(heading)[0]
    escalated = text.split("ESCALATED TO YOU")[1].split("\n\n")[0:999] if "ESCALATED TO YOU" in text else []
    escalated_text = "\n\n".join(escalated).split("\nYOUR ACTIONS")[0].split("\nACTIONS ON RECOMMENDATIONS")[0]
    return [int(i) for i in ACTION_LINK.findall(text)], [int(i) for i in ACTION_LINK.findall(escalated_text)]


def measure(first: date, weeks: int) -> dict:
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.mail.models import OutboxMessage

    owners = dict(db.session.execute(select(Action.id, Action.owner_id)).all())
    preference = dict(db.session.execute(select(User.id, User.reminder_preference)).all())
    per_week, per_day, seen = Counter(), Counter(), defaultdict(int)
    twice_in_one, self_escalations, messages = 0, 0, 0
    for key, recipient, text, created_at in db.session.execute(
        select(OutboxMessage.key, OutboxMessage.recipient_id, OutboxMessage.body_text, OutboxMessage.created_at)
    ):
        day = message_day(key, created_at)
        if not first <= day < first + timedelta(weeks=weeks):
            continue
        messages += 1
        week = (day - first).days // 7
        per_week[(recipient, week)] += 1
        per_day[(recipient, day)] += 1
        listed, escalated = action_sections(text)
        twice_in_one += len(listed) != len(set(listed))
        self_escalations += sum(1 for action in escalated if owners.get(action) == recipient)
        for action in set(listed):
            seen[(recipient, action, day.isocalendar()[:2])] += 1
    return {
        "messages": messages,
        "per_week": per_week,
        "per_day": per_day,
        "preference": preference,
        "weeks": weeks,
        "twice_in_one": twice_in_one,
        "self_escalations": self_escalations,
        "repeated_in_week": sum(1 for count in seen.values() if count > 1),
        "person_action_weeks": len(seen),
    }


def message_day(key: str, created_at) -> date:
    """The day a message speaks for, from its key; event messages (keyed by person and event) by when queued."""
    period = key.split(":")[1]
    if "-W" in period:
        return week_monday(period)
    try:
        return date.fromisoformat(period)
    except ValueError:
        return created_at.date()


def week_monday(iso_week: str) -> date:
    year, week = iso_week.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


#: a link to a record's own page: the same one twice in a message would be an item told twice
RECORD_LINK = re.compile(r"/(actions|recommendations)/(\d+)(?:/review)?$", re.MULTILINE)


def lengths(first: date, weeks: int) -> dict:
    """Every reminder's words against its reader's limit, the longest of each, and records linked twice."""
    from tracker.auth.models import User
    from tracker.mail.models import OutboxMessage
    from tracker.notifications.daily import word_limit, words_in

    users = {user.id: user for user in db.session.scalars(select(User))}
    longest: dict[int, tuple[int, str, str]] = {}
    over, repeated = [], []
    for recipient, subject, text in db.session.execute(
        select(OutboxMessage.recipient_id, OutboxMessage.subject, OutboxMessage.body_text)
    ):
        user = users[recipient]
        limit, words = word_limit(user), words_in(text)
        if words > longest.get(limit, (0,))[0]:
            longest[limit] = (words, subject, text)
        if words >= limit:
            over.append(f"{user.email}: {words} words, not under {limit}: {subject}")
        links = Counter(RECORD_LINK.findall(text))
        repeated += [
            f"{user.email}: /{kind}/{n} {count} times in {subject}" for (kind, n), count in links.items() if count > 1
        ]
    return {"longest": longest, "over": over, "repeated": repeated}


def report_lengths(figures: dict) -> None:
    for limit, (words, subject, _) in sorted(figures["longest"].items()):
        print(f'  longest message for readers limited to {limit} words: {words} words, "{subject}"')
    print(
        f"  messages over their limit: {len(figures['over'])}; records linked twice in one: {len(figures['repeated'])}"
    )


def report(label: str, figures: dict) -> None:
    print(f"\n{label}: {figures['messages']} messages in {figures['weeks']} weeks")
    people = {recipient for recipient, _ in figures["per_week"]}
    for choice in ("immediate", "weekly"):
        chosen = [p for p in people if figures["preference"].get(p) == choice]
        counts = [figures["per_week"].get((p, w), 0) for p in chosen for w in range(figures["weeks"])]
        daily = [c for (p, _), c in figures["per_day"].items() if p in chosen]
        if counts:
            print(
                f"  {choice:<9} {len(chosen):>4} people: messages a week mean {sum(counts) / len(counts):.2f}, "
                f"max {max(counts)}, min {min(counts)}; most in one day {max(daily, default=0)}"
            )
    print(
        f"  same action in two messages of one week: {figures['repeated_in_week']} "
        f"of {figures['person_action_weeks']} person-action-weeks"
    )
    print(f"  an action twice in one message: {figures['twice_in_one']}")
    print(f"  escalations to the action's own owner: {figures['self_escalations']}")


def simulate(label: str, weeks: int) -> dict:
    """Runs the weeks and prints what the mail felt like; returns the messages' lengths (see `lengths`)."""
    started = time.perf_counter()
    choose_preferences()
    run_weeks(TODAY, weeks)
    report(f"{label} ({time.perf_counter() - started:.0f}s)", measure(TODAY, weeks))
    figures = lengths(TODAY, weeks)
    report_lengths(figures)
    return figures


def simulate_on_scratch(weeks: int, national: dict | None = None) -> dict:
    """The Barking demo (and national data of these sizes, load_national's arguments, if given) on a scratch SQLite
    database, `weeks` of daily runs, and the messages' lengths."""
    with tempfile.TemporaryDirectory() as scratch:
        with demo_on_scratch(f"sqlite:///{Path(scratch) / 'simulate.sqlite'}", Path(scratch), TODAY, PASSWORD):
            if national is not None:
                from tracker.demo.national import load_national

                print(load_national(TODAY, **national))
            figures = simulate("National data" if national is not None else "Barking demo, plan untouched", weeks)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args()
    for national in (None,) if args.skip_national else (None, {}):
        simulate_on_scratch(args.weeks, national)


if __name__ == "__main__":
    main()
