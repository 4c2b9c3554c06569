"""Plans the one message a person gets on a working day (or, for those who chose it, once a week): their
actions, what they lead, escalations, what awaits their review, and readiness summaries on milestone days."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import or_, select

from tracker.assurance import services as assurance
from tracker.auth.models import HMPPS_LEAD, IMMEDIATE, REGIONAL_DIRECTOR, WEEKLY
from tracker.extensions import db
from tracker.jobs.models import SKIPPED, SUCCEEDED, JobRun
from tracker.mail.content import Links, PlannedMessage, Recipient, render_parts, subject_counts
from tracker.mail.models import REMINDERS, WEEKLY_REMINDERS, OutboxMessage
from tracker.notifications import digests, events, reminders, rules
from tracker.notifications.reminders import PersonItems
from tracker.templating import pluralise


def last_run_on(job: str, as_of: date) -> date | None:
    """The last day before `as_of` the ledger says this job ran for."""
    query = select(JobRun.as_of).where(JobRun.job == job, JobRun.as_of < as_of, JobRun.status.in_((SUCCEEDED, SKIPPED)))
    return db.session.scalar(query.order_by(JobRun.as_of.desc()).limit(1))


def mentioned_this_week(as_of: date) -> dict[int, set[int]]:
    """{person: actions} already in a daily message of theirs this week, so none comes twice in a week."""
    monday = as_of - timedelta(days=as_of.weekday())
    days = [monday + timedelta(days=n) for n in range(as_of.weekday())]
    if not days:
        return {}
    query = select(OutboxMessage.recipient_id, OutboxMessage.action_ids).where(
        or_(*[OutboxMessage.key.startswith(f"{REMINDERS}:{day.isoformat()}:") for day in days])
    )
    seen: dict[int, set[int]] = defaultdict(set)
    for recipient_id, action_ids in db.session.execute(query):
        seen[recipient_id].update(action_ids or [])
    return seen


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class Day:
    """What a run knows about the day it speaks for."""

    def __init__(self, as_of: date, settings: rules.ReminderSettings, last_run: date | None):
        self.as_of = as_of
        self.settings = settings
        self.window = settings.window(as_of, last_run)
        self.weekly_day = next((d for d in self.window if settings.is_weekly_day(d)), None)
        #: a weekly message speaks for the week ahead and the week behind
        self.week = [as_of + timedelta(days=n) for n in range(-6, 7)]
        self._region_weeks: dict | None = None

    def region_weeks(self, holders) -> dict:
        """Every directed region's week, read once however many messages (daily and weekly) show it."""
        if self._region_weeks is None:
            regions = sorted(
                {org_id for (role, org_id), users in holders.items() if role == REGIONAL_DIRECTOR and users}
            )
            self._region_weeks = digests.region_week(regions, self.as_of)
        return self._region_weeks


def add_extras(people: dict[int, PersonItems], day: Day, weekly: bool, holders) -> None:
    """Readiness summaries, closing summaries, reviews waiting and the region's week, for the people they
    concern; weekly people see those of the whole week."""
    days = day.week if weekly else day.window
    for summary in digests.readiness_due(days, day.as_of, day.settings):
        for user in digests.readiness_recipients(summary.inspection, holders):
            if user.id in people:
                people[user.id].readiness.append(summary)
    past = [d for d in days if d <= day.as_of]
    for summary in digests.closing_due(past, day.as_of):
        for user in digests.closing_recipients(summary, holders):
            if user.id in people:
                people[user.id].closing.append(summary)
    for person in people.values():
        person.readiness.sort(key=lambda s: -s.behind)
    if weekly or day.weekly_day:
        add_reviews_and_regions(people, holders, day)


def add_reviews_and_regions(people: dict[int, PersonItems], holders, day: Day) -> None:
    directed = defaultdict(list)
    for (role, org_id), users in holders.items():
        for user in users:
            if user.id in people and role == REGIONAL_DIRECTOR:
                directed[user.id].append(org_id)
    weeks = day.region_weeks(holders) if directed else {}
    for user_id, regions in directed.items():
        people[user_id].region = [
            (db.session.get(digests.Organisation, r), weeks[r]) for r in sorted(regions) if weeks.get(r)
        ]
    reviewers = {u.id for (role, _), users in holders.items() if role in (REGIONAL_DIRECTOR, HMPPS_LEAD) for u in users}
    for user_id in reviewers & set(people):
        people[user_id].awaiting = assurance.awaiting_review(people[user_id].user)


def audience_of(collector, holders, owners, preference: str) -> dict[int, PersonItems]:
    """Everyone with this preference who holds a role or owns an open action, with their items so far."""
    users = {u.id: u for users in holders.values() for u in users}
    users.update(owners)
    people = {}
    for user in users.values():
        if user.reminder_preference == preference:
            people[user.id] = collector.people.get(user.id) or PersonItems(user)
    return people


def plan_day(as_of: date) -> list[PlannedMessage]:
    settings = rules.ReminderSettings.from_config()
    if not settings.is_working_day(as_of):
        return []
    day = Day(as_of, settings, last_run_on("reminders", as_of))
    items, owners = reminders.load_open_actions(as_of)
    audience = reminders.audience_for(items, owners)
    folded = events.for_reminders(None)
    owners = {**owners, **{user_id: told[0].recipient for user_id, told in folded.items()}}
    daily = reminders.collect_daily(items, audience, day.window, settings, day.weekly_day is not None)
    daily.forget(mentioned_this_week(as_of))
    people = audience_of(daily, audience.holders, owners, IMMEDIATE)
    add_extras(people, day, False, audience.holders)
    fold_events(people, folded)
    messages = [plan_message(p, day, REMINDERS) for p in sorted(people.values(), key=key_of) if not p.is_empty()]
    if day.weekly_day is not None:
        weekly = reminders.collect_weekly(items, audience, settings)
        people = audience_of(weekly, audience.holders, owners, WEEKLY)
        add_extras(people, day, True, audience.holders)
        fold_events(people, folded)
        messages += [plan_message(p, day, WEEKLY_REMINDERS) for p in sorted(people.values(), key=key_of)]
    return messages


def fold_events(people: dict[int, PersonItems], folded: dict[int, list]) -> None:
    """Events for those who chose to hear of them in this message rather than straight away."""
    links = Links()
    for user_id, told in folded.items():
        if user_id in people:
            people[user_id].events = events.grouped(told, links)
            people[user_id].event_ids = tuple(event.id for event in told)


def key_of(person: PersonItems) -> int:
    return person.user.id


def message_subject(person: PersonItems, weekly: bool) -> str:
    """Says what is in the email: 'Tracker: 2 actions overdue, 1 due in 3 days, 1 escalated to you'."""
    own = person.own
    soon: dict[int, int] = defaultdict(int)
    for item in own:
        if item.days_overdue < 0:
            soon[-item.days_overdue] += 1
    parts = [
        (sum(1 for i in own if i.days_overdue > 0), "overdue"),
        (sum(1 for i in own if i.days_overdue == 0), "due today"),
    ]
    parts += [(count, "due tomorrow" if days == 1 else f"due in {days} days") for days, count in sorted(soon.items())]
    parts += [(len(person.owned), "to check on recommendations you lead"), (len(person.escalated), "escalated to you")]
    words = [subject_counts(parts)] if subject_counts(parts) else []
    words += events.subject_words(person.events)
    if person.awaiting:
        words.append(f"{pluralise(len(person.awaiting), 'recommendation')} awaiting your review")
    if person.readiness:
        words.append("readiness summary")
    if person.closing:
        words.append("re-inspection closing summary")
    prefix = "Tracker weekly summary" if weekly else "Tracker"
    return f"{prefix}: {', '.join(words) or 'nothing needs you this week'}"


def plan_message(person: PersonItems, day: Day, kind: str) -> PlannedMessage:
    weekly = kind == WEEKLY_REMINDERS
    user = person.user
    period = week_key(day.as_of) if weekly else day.as_of.isoformat()
    subject = message_subject(person, weekly)
    text, html = render_parts(
        "reminders",
        person=person,
        as_of=day.as_of,
        links=Links(),
        subject=subject,
        weekly=weekly,
        settings=day.settings,
        user=user,
    )
    return PlannedMessage(
        key=f"{kind}:{period}:user:{user.id}",
        kind=kind,
        recipient=Recipient(user.id, user.email, user.name),
        subject=subject,
        body_text=text,
        body_html=html,
        action_ids=tuple(person.action_ids()),
        event_ids=person.event_ids,
        recommendation_ids=tuple(getattr(rec, "id", rec) for rec in person.awaiting),
    )
