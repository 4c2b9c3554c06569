"""Decides which actions each person hears about in a run: their own, those on recommendations they lead,
and those escalated to them, each action once, under its most urgent heading.

Everything is read in a handful of set-based queries and then sorted out in memory, so a run over every
PDU in the country costs the same number of queries as a run over one."""

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from tracker.actions.models import Action, ProgressUpdate
from tracker.auth.models import HEAD_OF_PDU, HMPPS_LEAD, REGIONAL_DIRECTOR, RoleAssignment, User
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.mail.content import shorten
from tracker.notifications import rules
from tracker.notifications.sight import Sight
from tracker.organisations.models import PDU, REGION
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import COMPLETE

LONDON = ZoneInfo("Europe/London")
#: an action's page in a link
ACTION_LINK = re.compile(r"/actions/(\d+)$")
#: headings of a message, most urgent first: an action goes under the first that applies to the person
SECTIONS = ("escalated", "own", "owned")


@dataclass
class ActionItem:
    action_id: int
    description: str
    target_on: date
    owner_id: int | None
    owner_name: str
    recommendation_id: int
    recommendation_number: int
    #: the recommendation's words, shortened
    recommendation_words: str
    #: who the recommendation is addressed to: the PDU, the region or HMPPS
    addressee: str
    lead_id: int | None
    last_activity_on: date
    #: the people owning the recommendation, and those an escalation goes to: (role, organisation id)
    owner_role: tuple[str, int] | None
    escalation_role: tuple[str, int] | None
    #: days past the target date (negative while still in the future)
    days_overdue: int = 0
    days_quiet: int = 0
    #: the date first agreed, and how many days the target has moved past it (0: not slipped)
    original_target_on: date | None = None
    slipped_by: int = 0


@dataclass
class PersonItems:
    """What one message holds for one person."""

    user: User
    escalated: list[ActionItem] = field(default_factory=list)
    own: list[ActionItem] = field(default_factory=list)
    owned: list[ActionItem] = field(default_factory=list)
    awaiting: list = field(default_factory=list)
    readiness: list = field(default_factory=list)
    closing: list = field(default_factory=list)
    region: list = field(default_factory=list)
    #: events folded in for those who chose that: {kind: items}, and the events' ids
    events: dict = field(default_factory=dict)
    event_ids: tuple[int, ...] = ()

    #: in a capped copy, how many of each list were left out: {"own": 2, "region:<id>": 4, "events:<kind>": 1, ...},
    #: the most it shows of each ("shown") and whether its readiness summaries are brief ("brief")
    more: dict = field(default_factory=dict)

    def capped(self, shown: int, brief: bool = False) -> "PersonItems":
        """A copy showing at most `shown` items of each list (two readiness summaries at most, and with `brief`
        naming only the standards near a boundary), each action once: an action an event already tells of is not
        listed again. What is left out is counted in `more`."""
        copy = replace(self, more={"shown": shown, "brief": brief})
        told = {int(m[1]) for items in self.events.values() for i in items if (m := ACTION_LINK.search(i.link))}

        def cut(name: str, items: list) -> list:
            copy.more[name] = max(len(items) - shown, 0)
            return items[:shown]

        for section in SECTIONS:
            items = [item for item in getattr(self, section) if item.action_id not in told]
            setattr(copy, section, cut(section, items))
        copy.awaiting = cut("awaiting", self.awaiting)
        copy.readiness = self.readiness[: max(min(shown, 2), 1)]
        copy.more["readiness"] = len(self.readiness) - len(copy.readiness)
        copy.closing = self.closing[: max(min(shown, 2), 1)]
        copy.more["closing"] = len(self.closing) - len(copy.closing)
        copy.events = {kind: cut(f"events:{kind}", items) for kind, items in self.events.items()}
        # the PDUs with most overdue first: those are what a director would open
        copy.region = [
            (region, cut(f"region:{region.id}", sorted(pdus, key=lambda d: (-d.overdue, d.pdu.name))))
            for region, pdus in self.region
        ]
        return copy

    def is_empty(self) -> bool:
        shown = (self.escalated, self.own, self.owned, self.awaiting, self.readiness, self.closing, self.events)
        return not any(shown) and not any(count for name, count in self.more.items() if name not in ("shown", "brief"))

    def action_ids(self) -> list[int]:
        return [item.action_id for section in SECTIONS for item in getattr(self, section)]


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def escalation_role_for(org) -> tuple[str, int] | None:
    """PDU actions go to the region's director; region and national ones to the HMPPS lead."""
    if org.kind == PDU:
        return (REGIONAL_DIRECTOR, org.parent_id) if org.parent_id else None
    if org.kind == REGION:
        return (HMPPS_LEAD, org.parent_id) if org.parent_id else None
    return HMPPS_LEAD, org.id


def still_open(as_of: date):
    """Reminders stop once the re-inspection is confirmed as having happened."""
    return or_(Inspection.confirmed_reinspection_on.is_(None), Inspection.confirmed_reinspection_on >= as_of)


def load_open_actions(as_of: date) -> tuple[list[ActionItem], dict[int, User]]:
    """Every incomplete action of an inspection still to come, with what the rules need, and its owner."""
    last_update = (
        select(ProgressUpdate.action_id, func.max(ProgressUpdate.created_at).label("last_at"))
        .group_by(ProgressUpdate.action_id)
        .subquery()
    )
    query = (
        select(Action, Recommendation, last_update.c.last_at)
        .join(Action.recommendation)
        .join(Recommendation.inspection)
        .outerjoin(last_update, last_update.c.action_id == Action.id)
        .where(Action.status != COMPLETE, still_open(as_of))
        .order_by(Action.target_on, Action.id)
    )
    rows = db.session.execute(query).all()
    owners = users_by_id({action.owner_id for action, *_ in rows if action.owner_id})
    return [
        action_item(action, recommendation, last_at, owners, as_of) for action, recommendation, last_at in rows
    ], owners


def action_item(action, recommendation, last_at, owners: dict[int, User], as_of: date) -> ActionItem:
    org = recommendation.owner_org
    role = OWNER_ROLE_FOR_KIND.get(org.kind)
    last_on = local_date(last_at or action.created_at)
    owner = owners.get(action.owner_id)
    return ActionItem(
        action_id=action.id,
        description=action.description,
        target_on=action.target_on,
        owner_id=action.owner_id,
        owner_name=owner.name if owner else "No owner",
        recommendation_id=recommendation.id,
        recommendation_number=recommendation.number,
        recommendation_words=shorten(recommendation.text),
        addressee=org.display_name,
        lead_id=recommendation.lead_id,
        last_activity_on=last_on,
        owner_role=(role, org.id) if role else None,
        escalation_role=escalation_role_for(org),
        days_overdue=(as_of - action.target_on).days,
        days_quiet=(as_of - last_on).days,
        original_target_on=action.original_target_on,
        slipped_by=action.slipped_by,
    )


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
    """Gathers each person's items; an action sits under the most urgent heading that applies to them."""

    def __init__(self):
        self.people: dict[int, PersonItems] = {}
        self.placed: dict[tuple[int, int], str] = {}
        self.sight = Sight()

    def person(self, user: User) -> PersonItems:
        return self.people.setdefault(user.id, PersonItems(user))

    def add(self, section: str, users, item: ActionItem) -> None:
        for user in users:
            if section == "escalated" and user.id == item.owner_id:
                continue  # an action never escalates to its own owner
            if not self.sight.may_see(user, item.recommendation_id):
                continue  # theirs no longer: it needs a new owner (see tracker.handover)
            key = (user.id, item.action_id)
            placed = self.placed.get(key)
            if placed is not None and SECTIONS.index(placed) <= SECTIONS.index(section):
                continue
            person = self.person(user)
            if placed is not None:
                getattr(person, placed).remove(item)
            getattr(person, section).append(item)
            self.placed[key] = section

    def forget(self, seen: dict[int, set[int]]) -> None:
        """Drop what each person has already been told this week."""
        for user_id, action_ids in seen.items():
            person = self.people.get(user_id)
            for section in SECTIONS if person else ():
                setattr(person, section, [i for i in getattr(person, section) if i.action_id not in action_ids])


class Audience:
    """Who hears about an action, given the people active in each role."""

    def __init__(self, owners: dict[int, User], holders: dict[tuple[str, int], list[User]]):
        self.owners = owners
        self.holders = holders
        self.leads = users_by_id(set())

    def owner(self, item: ActionItem) -> list[User]:
        owner = self.owners.get(item.owner_id) if item.owner_id is not None else None
        return [owner] if owner is not None else []

    def leaders(self, item: ActionItem) -> list[User]:
        """The recommendation's named lead; without one, the owning organisation's leads."""
        lead = self.leads.get(item.lead_id) if item.lead_id is not None else None
        if lead is not None:
            return [lead]
        return list(self.holders.get(item.owner_role, [])) if item.owner_role else []

    def escalation(self, item: ActionItem) -> list[User]:
        return list(self.holders.get(item.escalation_role, [])) if item.escalation_role else []


def audience_for(items: list[ActionItem], owners: dict[int, User]) -> Audience:
    audience = Audience(owners, role_holders())
    audience.leads = users_by_id({item.lead_id for item in items if item.lead_id})
    return audience


def collect_daily(
    items, audience: Audience, window: list[date], settings: rules.ReminderSettings, weekly_day: bool
) -> Collector:
    """What falls due in this run's window; overdue and quiet items repeat on the weekly day."""
    collector = Collector()
    for item in items:
        if rules.owner_reason(item.target_on, window, settings, weekly_day):
            collector.add("own", audience.owner(item), item)
        overdue = rules.overdue_falls_due(item.target_on, window, weekly_day)
        if overdue or rules.stale_falls_due(item.last_activity_on, window, settings, weekly_day):
            collector.add("owned", audience.leaders(item), item)
        if rules.escalation_falls_due(item.target_on, window, settings, weekly_day):
            collector.add("escalated", audience.escalation(item), item)
    return collector


def collect_weekly(items, audience: Audience, settings: rules.ReminderSettings) -> Collector:
    """Everything that stands: overdue, due within the longest notice, quiet, or escalated."""
    horizon = max(settings.due_soon_days, default=14)
    collector = Collector()
    for item in items:
        if item.days_overdue >= -horizon:
            collector.add("own", audience.owner(item), item)
        if item.days_overdue > 0 or item.days_quiet >= settings.stale_after_days:
            collector.add("owned", audience.leaders(item), item)
        if item.days_overdue > settings.escalate_after_days:
            collector.add("escalated", audience.escalation(item), item)
    return collector
