"""What needs a person's attention: their overdue and due-soon actions and the recommendations they own; for an
administrator the imports and people waiting on them; for a reader (a viewer or an administrator) what changed
lately and the inspections coming up."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, nulls_last, select
from sqlalchemy.orm import aliased, selectinload

from tracker.actions.lists import ActionFilters, count_actions, may_own_actions
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.audit.services import numbered_action, readable_summary
from tracker.auth.models import ADMIN, HEAD_OF_PDU, REGIONAL_DIRECTOR, VIEWER, RoleAssignment, User
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND
from tracker.auth.services import normalise_email, slowed_sign_ins
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.importer.models import ReportImportDraft
from tracker.inspections.lists import current_inspection_condition, visibility_condition
from tracker.inspections.models import Inspection
from tracker.organisations.models import REGION
from tracker.pages.recommendation_lists import RecommendationFilters, matching
from tracker.recommendations.models import ASSURED, Recommendation, Submission
from tracker.recommendations.services import owned_recommendation_condition
from tracker.recommendations.status import ACTIONS_COMPLETE_STATUS, COMPLETE, RETURNED_STATUS
from tracker.templating import home_panels_of

DUE_SOON_DAYS = 14
#: the home page is for what needs attention now; a national lead's full list belongs on the dashboard
HOME_LIMIT = 25
#: the changes and the inspections a reader's home page lists; the rest are a link away
RECENT_CHANGES = 10
UPCOMING_INSPECTIONS = 10


@dataclass
class Attention:
    overdue: list[Action] = field(default_factory=list)
    due_soon: list[Action] = field(default_factory=list)
    #: open actions whose target has moved past the date first agreed: they stay here until done
    slipped: list[Action] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    #: how many open recommendations the user owns in all; the page lists the first HOME_LIMIT
    recommendations_total: int = 0


def owned_recommendations_query(user):
    """Open recommendations the user owns through a role at the owning organisation, or leads."""
    # Assured recommendations are closed: they no longer need their owner's attention.
    assured = (
        select(Submission.id)
        .where(Submission.recommendation_id == Recommendation.id, Submission.state == ASSURED)
        .exists()
    )
    # Only where they may see: what they led in a PDU they have left needs a new owner, and is not theirs.
    return (
        select(Recommendation)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .where(owned_recommendation_condition(user), visibility_condition(user), ~assured)
        .options(selectinload(Recommendation.actions), selectinload(Recommendation.inspection))
        .order_by(Recommendation.inspection_id, Recommendation.number)
    )


def attention_for(user, on: date) -> Attention:
    open_actions = db.session.scalars(
        select(Action)
        .join(Recommendation, Action.recommendation_id == Recommendation.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .where(Action.owner_id == user.id, Action.status != COMPLETE, visibility_condition(user))
        .options(selectinload(Action.recommendation))
        .order_by(Action.target_on)
    ).all()
    horizon = on + timedelta(days=DUE_SOON_DAYS)
    owned = owned_recommendations_query(user)
    total = db.session.execute(select(func.count()).select_from(owned.order_by(None).subquery())).scalar_one()
    return Attention(
        overdue=[a for a in open_actions if a.target_on < on],
        due_soon=[a for a in open_actions if on <= a.target_on <= horizon],
        slipped=[a for a in open_actions if a.is_slipped],
        recommendations=list(db.session.scalars(owned.limit(HOME_LIMIT))),
        recommendations_total=total,
    )


def home_panels() -> list[str]:
    return home_panels_of(current_app)


@dataclass
class Task:
    """One line of "Needs your action": what, how many, and the list that shows them."""

    key: str
    label: str
    count: int
    endpoint: str
    args: dict = field(default_factory=dict)


@dataclass
class Countdown:
    inspection_id: int
    pdu_name: str
    on: date
    days: int
    confirmed: bool


def holds_owner_role(user) -> bool:
    return any(
        a.role == role and a.organisation.kind == kind for a in user.roles for kind, role in OWNER_ROLE_FOR_KIND.items()
    )


def regions_directed(user) -> list:
    return [a.organisation for a in user.roles if a.role == REGIONAL_DIRECTOR and a.organisation.kind == REGION]


def _date_args(name: str, day: date) -> dict:
    return {name: [day.day, day.month, day.year]}


def action_tasks(user, on: date) -> list[Task]:
    """Your own actions (for someone who can be given actions), those on recommendations you own (for an owner),
    and a director's region: never a line that could not apply to this person."""
    tasks = own_action_tasks(user, on) if may_own_actions(user) else []
    if holds_owner_role(user):
        tasks.append(
            Task(
                "overdue-on-mine",
                "Overdue actions on recommendations you own",
                count_actions(user, ActionFilters(overdue=True, recommendations_i_own=True), on),
                "actions.list_actions",
                {"mine": "recommendations", "overdue": "y"},
            )
        )
        tasks.append(
            Task(
                "slipped-on-mine",
                "Slipped actions on recommendations you own",
                count_actions(user, ActionFilters(slipped=True, recommendations_i_own=True), on),
                "actions.list_actions",
                {"mine": "recommendations", "slipped": "y"},
            )
        )
    for region in regions_directed(user):
        tasks += region_tasks(user, region, on)
    return tasks


def own_action_tasks(user, on: date) -> list[Task]:
    horizon = on + timedelta(days=DUE_SOON_DAYS)
    soon = {"owner": "me", "status": "open", **_date_args("due_from", on), **_date_args("due_to", horizon)}
    return [
        Task(
            "overdue",
            "Your overdue actions",
            count_actions(user, ActionFilters(owner="me", overdue=True), on),
            "actions.list_actions",
            {"owner": "me", "overdue": "y"},
        ),
        Task(
            "due-soon",
            f"Your actions due in the next {DUE_SOON_DAYS} days",
            count_actions(user, ActionFilters(owner="me", statuses=["open"], due_from=on, due_to=horizon), on),
            "actions.list_actions",
            soon,
        ),
        Task(
            "slipped",
            "Your slipped actions (target later than first agreed)",
            count_actions(user, ActionFilters(owner="me", slipped=True), on),
            "actions.list_actions",
            {"owner": "me", "slipped": "y"},
        ),
    ]


def region_tasks(user, region, on: date) -> list[Task]:
    """A director's view of the region: what is overdue, and what has slipped even where it is no longer overdue."""

    scope = {"organisation": region.id, "current": "1"}
    return [
        Task(
            f"overdue-region-{region.id}",
            f"Overdue actions in {region.display_name}",
            count_actions(user, ActionFilters(organisation_id=region.id, overdue=True, current_only=True), on),
            "actions.list_actions",
            {**scope, "overdue": "y"},
        ),
        Task(
            f"slipped-region-{region.id}",
            f"Slipped actions in {region.display_name}",
            count_actions(user, ActionFilters(organisation_id=region.id, slipped=True, current_only=True), on),
            "actions.list_actions",
            {**scope, "slipped": "y"},
        ),
    ]


def recommendation_tasks(user, on: date) -> list[Task]:
    """Returned to you and ready to submit: from the recommendations you own, their statuses worked out once."""
    counts = Counter(status.key for _, status in matching(user, RecommendationFilters(mine=True), on))
    tasks = [
        Task(
            "returned",
            "Returned to you by a reviewer",
            counts[RETURNED_STATUS.key],
            "recommendations.list_recommendations",
            {"mine": "1", "status": RETURNED_STATUS.key},
        ),
        Task(
            "ready",
            "Ready to submit for assurance (every action complete)",
            counts[ACTIONS_COMPLETE_STATUS.key],
            "recommendations.list_recommendations",
            {"mine": "1", "status": ACTIONS_COMPLETE_STATUS.key},
        ),
    ]
    # a lead without an owner's role sees these only when there is something to do
    return tasks if holds_owner_role(user) else [task for task in tasks if task.count]


def reinspection_countdowns(user, on: date) -> list[Countdown]:
    """For a head of PDU: days until each of their PDUs' current inspection is followed up."""
    pdu_ids = user.orgs_with_role(HEAD_OF_PDU)
    if not pdu_ids:
        return []
    latest: dict[int, Inspection] = {}
    for inspection in db.session.scalars(
        select(Inspection)
        .where(Inspection.pdu_id.in_(pdu_ids))
        .options(selectinload(Inspection.pdu))
        .order_by(Inspection.pdu_id, Inspection.published_on, Inspection.id)
    ):
        latest[inspection.pdu_id] = inspection
    return [
        Countdown(
            i.id,
            i.pdu.display_name,
            i.reinspection_on,
            (i.reinspection_on - on).days,
            i.confirmed_reinspection_on is not None,
        )
        for i in latest.values()
        if i.reinspection_on
    ]


def admin_tasks(user, now, imports: list[ReportImportDraft]) -> list[Task]:
    """An administrator's queues, each only while something is in it: reports uploaded and not yet saved
    (`imports`, from waiting_imports), people who have signed in without a role, and accounts whose sign-ins are
    being slowed."""
    if not user.has_role(ADMIN):
        return []
    tasks = []
    if imports and "importer.review_import" in current_app.view_functions:
        tasks.append(
            Task(
                "imports-waiting",
                "Report imports waiting for your review",
                len(imports),
                "pages.home",
                {"_anchor": "imports-waiting"},
            )
        )
    if "admin.list_users" in current_app.view_functions:
        people = [
            ("people-without-role", "People waiting for a role", people_without_a_role()),
            ("sign-ins-slowed", "People whose sign-ins are being slowed", slowed_people(now)),
        ]
        tasks += [Task(key, label, count, "admin.list_users") for key, label, count in people if count]
    return tasks


def waiting_imports() -> list[ReportImportDraft]:
    """Reports uploaded and not yet saved or discarded, oldest first."""
    return list(
        db.session.scalars(
            select(ReportImportDraft)
            .where(ReportImportDraft.inspection_id.is_(None))
            .options(selectinload(ReportImportDraft.uploaded_by))
            .order_by(ReportImportDraft.created_at, ReportImportDraft.id)
        )
    )


def people_without_a_role() -> int:
    without = ~select(RoleAssignment.id).where(RoleAssignment.user_id == User.id).exists()
    return db.session.scalar(select(func.count(User.id)).where(User.is_active, without)) or 0


def slowed_people(now) -> int:
    slowed = slowed_sign_ins(now)
    if not slowed:
        return 0
    emails = db.session.scalars(select(User.email).where(User.is_active))
    return sum(1 for email in emails if normalise_email(email) in slowed)


def queue_signature(user) -> tuple:
    """What an administrator's home page shows that does not raise the data version (uploads and failed sign-ins
    are not counted as changes), for its cache key: the page is built again when either changes."""
    if not user.has_role(ADMIN):
        return ()
    return tuple(draft.id for draft in waiting_imports()), slowed_people(utcnow())


def is_reader(user) -> bool:
    """A viewer or an administrator: someone who reads the plan rather than works on it."""
    return user.has_role(VIEWER) or user.has_role(ADMIN)


@dataclass
class Change:
    """A change to the plan, as the home page lists it: the audit event and what it was made to."""

    event: AuditEvent
    inspection: Inspection
    recommendation: Recommendation | None
    #: the event's summary as it reads (readable_summary)
    summary: str = ""


def recent_changes(user, limit: int = RECENT_CHANGES) -> list[Change]:
    """The latest changes to the inspections the person may see, newest first, in a fixed number of queries."""
    recommendation = aliased(Recommendation)
    inspection_id = func.coalesce(AuditEvent.inspection_id, recommendation.inspection_id)
    rows = db.session.execute(
        select(AuditEvent, Inspection, recommendation)
        .outerjoin(recommendation, recommendation.id == AuditEvent.recommendation_id)
        .join(Inspection, Inspection.id == inspection_id)
        .where(visibility_condition(user))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    numbered = {number for event, _, _ in rows if (number := numbered_action(event)) is not None}
    names: dict[int, str] = {}
    if numbered:
        found = db.session.execute(select(Action.id, Action.description).where(Action.id.in_(numbered)))
        names = {row.id: row.description for row in found}
    return [Change(event, inspection, rec, readable_summary(event, names)) for event, inspection, rec in rows]


@dataclass
class Upcoming:
    inspections: list[Inspection]
    #: every PDU's current inspection the person may see; the page lists the first UPCOMING_INSPECTIONS
    total: int


def upcoming_inspections(user, limit: int = UPCOMING_INSPECTIONS) -> Upcoming:
    """Each PDU's current inspection, the soonest re-inspection first (those without a date last)."""
    reinspection = func.coalesce(Inspection.confirmed_reinspection_on, Inspection.expected_reinspection_on)
    where = (visibility_condition(user), current_inspection_condition())
    inspections = db.session.scalars(
        select(Inspection).where(*where).order_by(nulls_last(reinspection.asc()), Inspection.id).limit(limit)
    )
    total = db.session.scalar(select(func.count(Inspection.id)).where(*where)) or 0
    return Upcoming(list(inspections), total)
