"""Plans the one message a person gets on a working day (or, for those who chose it, once a week): their
actions, what they lead, escalations, what awaits their review, and readiness summaries on milestone days."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import or_, select

from tracker.assurance import services as assurance
from tracker.auth.models import HMPPS_LEAD, IMMEDIATE, REGIONAL_DIRECTOR, WEEKLY
from tracker.extensions import db
from tracker.jobs.models import SKIPPED, SUCCEEDED, JobRun
from tracker.mail.content import Links, PlannedMessage, Recipient, render_parts
from tracker.mail.models import REMINDERS, WEEKLY_REMINDERS, OutboxMessage
from tracker.notifications import digests, events, reminders, rules
from tracker.notifications.reminders import PersonItems
from tracker.notifications.scope import scope_name
from tracker.templating import pluralise

#: a reminder is kept under this many words: heads of PDU and owners read one PDU's work, directors and national
#: leads oversee many; longer lists are cut, with a link to the rest
WORD_LIMIT = 300
OVERSEER_WORD_LIMIT = 400
#: how many items of each list a message shows, and whether its readiness summaries name only the standards near a
#: boundary, tried in turn until it is within its limit (at 0, each list is a count and a link)
SHOWN = ((5, False), (3, False), (2, False), (1, False), (0, False), (0, True))


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


def headline(person: PersonItems) -> str:
    """The one most important count in the message: what is escalated, then overdue, due today, to check, to
    review, what happened, what falls due soonest, and the summaries."""
    own = person.own
    due_soon = sorted(-i.days_overdue for i in own if i.days_overdue < 0)
    counts = [
        (len(person.escalated), "action", "escalated to you"),
        (sum(1 for i in own if i.days_overdue > 0), "action", "overdue"),
        (sum(1 for i in own if i.days_overdue == 0), "action", "due today"),
        (len(person.owned), "action", "to check on recommendations you lead"),
        (len(person.awaiting), "recommendation", "awaiting your review"),
    ]
    for count, noun, what in counts:
        if count:
            return f"{pluralise(count, noun)} {what}"
    if person.events:
        return events.subject_words(person.events)[0]
    if due_soon:
        days = due_soon[0]
        return f"{pluralise(due_soon.count(days), 'action')} due " + ("tomorrow" if days == 1 else f"in {days} days")
    if person.readiness:
        return "readiness summary"
    if person.closing:
        return "re-inspection closing summary"
    return "nothing needs you this week"


def message_subject(person: PersonItems, weekly: bool) -> str:
    """Whose work and its most important count: 'Barking, Dagenham and Havering PDU: 2 actions overdue'."""
    addressees = [item.addressee for section in reminders.SECTIONS for item in getattr(person, section)]
    scope = scope_name(person.user, addressees)
    return f"{scope}{' weekly summary' if weekly else ''}: {headline(person)}"


def word_limit(user) -> int:
    """Directors and national leads oversee many PDUs, and may read a little more than everyone else."""
    return OVERSEER_WORD_LIMIT if user.has_role(REGIONAL_DIRECTOR) or user.has_role(HMPPS_LEAD) else WORD_LIMIT


def words_in(text: str) -> int:
    return len(text.split())


def plan_message(person: PersonItems, day: Day, kind: str) -> PlannedMessage:
    """The message, with each list cut to the most that keeps it within the person's word limit; what is cut is
    counted, with a link to the rest, and is told again on a later day."""
    weekly = kind == WEEKLY_REMINDERS
    user = person.user
    period = week_key(day.as_of) if weekly else day.as_of.isoformat()
    subject = message_subject(person, weekly)
    limit = word_limit(user)
    for shown, brief in SHOWN:
        told = person.capped(shown, brief)
        text, html = render_parts(
            "reminders",
            person=told,
            as_of=day.as_of,
            links=Links(),
            subject=subject,
            weekly=weekly,
            settings=day.settings,
            user=user,
        )
        if words_in(text) < limit:
            break
    return PlannedMessage(
        key=f"{kind}:{period}:user:{user.id}",
        kind=kind,
        recipient=Recipient(user.id, user.email, user.name),
        subject=subject,
        body_text=text,
        body_html=html,
        action_ids=tuple(told.action_ids()),
        event_ids=person.event_ids,
        recommendation_ids=tuple(getattr(rec, "id", rec) for rec in told.awaiting),
    )
