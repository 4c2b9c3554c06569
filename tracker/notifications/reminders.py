"""Decides who is reminded of which actions: owners, recommendation owners and the people escalated to.

Everything is read in a handful of set-based queries and then sorted out in memory, so a run over every
PDU in the country costs the same number of queries as a run over one."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tracker.actions.models import COMPLETE, Action, ProgressUpdate
from tracker.auth.models import HEAD_OF_PDU, HMPPS_LEAD, IMMEDIATE, REGIONAL_DIRECTOR, WEEKLY, RoleAssignment, User
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.notifications import rules
from tracker.notifications.content import Links, PlannedMessage, Recipient, render_parts, subject_counts
from tracker.notifications.models import REMINDERS, WEEKLY_REMINDERS
from tracker.organisations.models import PDU, REGION
from tracker.recommendations.models import Recommendation

LONDON = ZoneInfo("Europe/London")


@dataclass
class ActionItem:
    action_id: int
    description: str
    target_on: date
    status: str
    owner_id: int | None
    owner_name: str
    recommendation_id: int
    recommendation_number: int
    inspection_title: str
    pdu_name: str
    last_activity_on: date
    #: the people owning the recommendation, and those an escalation goes to: (role, organisation id)
    owner_role: tuple[str, int] | None
    escalation_role: tuple[str, int] | None
    #: days past the target date (negative while still in the future)
    days_overdue: int = 0
    days_quiet: int = 0
    #: due_soon, due_today or overdue when the owner is told about it in this run
    reason: str | None = None


@dataclass
class PersonItems:
    user: User
    own: list[ActionItem] = field(default_factory=list)
    owned: list[ActionItem] = field(default_factory=list)
    escalated: list[ActionItem] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.own or self.owned or self.escalated)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def escalation_role_for(org) -> tuple[str, int] | None:
    """PDU actions go to the region's director; region and national ones to the HMPPS lead."""
    if org.kind == PDU:
        return (REGIONAL_DIRECTOR, org.parent_id) if org.parent_id else None
    if org.kind == REGION:
        return (HMPPS_LEAD, org.parent_id) if org.parent_id else None
    return HMPPS_LEAD, org.id


def load_open_actions(as_of: date) -> tuple[list[ActionItem], dict[int, User]]:
    """Every incomplete action with what the rules need, and its owner, in two queries."""
    last_update = (
        select(ProgressUpdate.action_id, func.max(ProgressUpdate.created_at).label("last_at"))
        .group_by(ProgressUpdate.action_id)
        .subquery()
    )
    query = (
        select(Action, Recommendation, Inspection, last_update.c.last_at)
        .join(Action.recommendation)
        .join(Recommendation.inspection)
        .outerjoin(last_update, last_update.c.action_id == Action.id)
        .where(Action.status != COMPLETE)
        .order_by(Action.target_on, Action.id)
    )
    rows = db.session.execute(query).all()
    owners = users_by_id({action.owner_id for action, *_ in rows if action.owner_id})
    items = []
    for action, recommendation, inspection, last_at in rows:
        org = recommendation.owner_org
        role = OWNER_ROLE_FOR_KIND.get(org.kind)
        last_on = local_date(last_at or action.created_at)
        owner = owners.get(action.owner_id)
        items.append(ActionItem(
            action_id=action.id, description=action.description, target_on=action.target_on,
            status=action.status, owner_id=action.owner_id, owner_name=owner.name if owner else "No owner",
            recommendation_id=recommendation.id, recommendation_number=recommendation.number,
            inspection_title=inspection.title, pdu_name=inspection.pdu.display_name, last_activity_on=last_on,
            owner_role=(role, org.id) if role else None, escalation_role=escalation_role_for(org),
            days_overdue=(as_of - action.target_on).days, days_quiet=(as_of - last_on).days,
        ))
    return items, owners


def users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids), User.is_active))}


def role_holders() -> dict[tuple[str, int], list[User]]:
    """Every active head of PDU, regional director and HMPPS lead, by (role, organisation id)."""
    query = (
        select(RoleAssignment.role, RoleAssignment.organisation_id, User)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role.in_((HEAD_OF_PDU, REGIONAL_DIRECTOR, HMPPS_LEAD)), User.is_active)
        .order_by(User.id)
    )
    holders: dict[tuple[str, int], list[User]] = defaultdict(list)
    for role, org_id, user in db.session.execute(query):
        holders[(role, org_id)].append(user)
    return holders


class Collector:
    """Gathers each person's items so that one email per person per run lists them all."""

    def __init__(self):
        self.people: dict[int, PersonItems] = {}

    def person(self, user: User) -> PersonItems:
        return self.people.setdefault(user.id, PersonItems(user))

    def add(self, section: str, users, item: ActionItem) -> None:
        for user in users:
            person = self.person(user)
            if section == "owned" and any(own.action_id == item.action_id for own in person.own):
                continue
            getattr(person, section).append(item)

    def non_empty(self) -> list[PersonItems]:
        return [p for p in sorted(self.people.values(), key=lambda p: p.user.id) if not p.is_empty()]


def collect_daily(as_of: date, settings: rules.ReminderSettings) -> list[PersonItems]:
    """Items that fall due on this run, by person; weekly-digest people get only their escalations."""
    window = settings.window(as_of)
    items, owners = load_open_actions(as_of)
    holders = role_holders()
    collector = Collector()
    for item in items:
        item.reason = rules.owner_reason(item.target_on, window, settings)
        owner = owners.get(item.owner_id)
        if item.reason and owner is not None and owner.reminder_preference == IMMEDIATE:
            collector.add("own", [owner], item)
    for item in items:
        overdue = rules.overdue_falls_due(item.target_on, window)
        stale = rules.stale_falls_due(item.last_activity_on, window, settings)
        if (overdue or stale) and item.owner_role:
            people = [u for u in holders.get(item.owner_role, []) if u.reminder_preference == IMMEDIATE]
            collector.add("owned", people, item)
        if item.escalation_role and rules.escalation_falls_due(item.target_on, window, settings):
            collector.add("escalated", holders.get(item.escalation_role, []), item)
    return collector.non_empty()


def collect_weekly(as_of: date, settings: rules.ReminderSettings) -> list[PersonItems]:
    """For people who chose a weekly digest: everything of theirs that is overdue, due soon or quiet."""
    horizon = max(settings.due_soon_days, default=14)
    items, owners = load_open_actions(as_of)
    holders = role_holders()
    collector = Collector()
    for item in items:
        owner = owners.get(item.owner_id)
        if owner is not None and owner.reminder_preference == WEEKLY and item.days_overdue >= -horizon:
            collector.add("own", [owner], item)
        quiet = item.days_quiet >= settings.stale_after_days
        if (item.days_overdue > 0 or quiet) and item.owner_role:
            people = [u for u in holders.get(item.owner_role, []) if u.reminder_preference == WEEKLY]
            collector.add("owned", people, item)
    return collector.non_empty()


def reminder_subject(person: PersonItems, prefix: str) -> str:
    """Says what is in the email: 'Tracker: 2 actions overdue, 1 due in 3 days, 1 escalated to you'."""
    own = person.own
    soon: dict[int, int] = defaultdict(int)
    for item in own:
        if item.days_overdue < 0:
            soon[-item.days_overdue] += 1
    parts = [(sum(1 for i in own if i.days_overdue > 0), "overdue"),
             (sum(1 for i in own if i.days_overdue == 0), "due today")]
    parts += [(count, "due tomorrow" if days == 1 else f"due in {days} days") for days, count in sorted(soon.items())]
    parts += [(len(person.owned), "to check on recommendations you own"),
              (len(person.escalated), "escalated to you")]
    return f"{prefix}: {subject_counts(parts)}"


def plan_messages(people: list[PersonItems], as_of: date, kind: str,
                  settings: rules.ReminderSettings) -> list[PlannedMessage]:
    links = Links()
    weekly = kind == WEEKLY_REMINDERS
    period = f"{as_of.isocalendar().year}-W{as_of.isocalendar().week:02d}" if weekly else as_of.isoformat()
    messages = []
    for person in people:
        user = person.user
        subject = reminder_subject(person, "Tracker weekly summary" if weekly else "Tracker")
        text, html = render_parts("reminders", person=person, as_of=as_of, links=links, subject=subject,
                                  weekly=weekly, settings=settings)
        messages.append(PlannedMessage(
            key=f"{kind}:{period}:user:{user.id}", kind=kind, recipient=Recipient(user.id, user.email, user.name),
            subject=subject, body_text=text, body_html=html,
        ))
    return messages


def plan_daily_reminders(as_of: date) -> list[PlannedMessage]:
    settings = rules.ReminderSettings.from_config()
    if not settings.is_working_day(as_of):
        return []
    return plan_messages(collect_daily(as_of, settings), as_of, REMINDERS, settings)


def plan_weekly_reminders(as_of: date) -> list[PlannedMessage]:
    settings = rules.ReminderSettings.from_config()
    return plan_messages(collect_weekly(as_of, settings), as_of, WEEKLY_REMINDERS, settings)
