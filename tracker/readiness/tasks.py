"""What must still happen before the inspectors return: the readiness page's task list, each task linked to the
page where it is done, and the same sentences as plain text in the readiness summary email."""

from dataclasses import dataclass

from sqlalchemy import select

from tracker.actions.models import Action, ActionDependency
from tracker.assurance.services import set_aside
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.linked_text import LinkedText
from tracker.recommendations.models import NOT_AGREED, SUBMITTED, EvidenceReview, Recommendation
from tracker.recommendations.status import COMPLETE, latest_submission
from tracker.templating import format_date

#: the tag each kind of task carries in the task list: (text, GOV.UK tag colour)
TAGS = {
    "date": ("To do", "grey"),
    "plan": ("To do", "grey"),
    "returned": ("Returned", "red"),
    "ready": ("Ready to submit", "turquoise"),
    "awaiting_review": ("Awaiting review", "purple"),
    "overdue": ("Overdue", "red"),
    "blocked": ("Blocked", "orange"),
    "slipped": ("Slipped", "yellow"),
    "late": ("After re-inspection", "orange"),
    "audit": ("Audit needed", "grey"),
    "too_few": ("Too few cases", "orange"),
    "improve": ("Improve", "yellow"),
}


class Task(LinkedText):
    """One thing that must still happen: a plain sentence (as emails show it) that knows the page where it is done,
    what kind of task it is, and an optional hint with the detail behind it."""

    kind: str
    hint: str

    def __new__(cls, text: str, kind: str, endpoint: str | None = None, hint: str = "", **values):
        task = super().__new__(cls, text, endpoint, **values)
        task.kind, task.hint = kind, hint
        return task

    @property
    def tag(self) -> str:
        return TAGS[self.kind][0]

    @property
    def colour(self) -> str:
        return TAGS[self.kind][1]


def rec_task(text: str, kind: str, rec, hint: str = "") -> Task:
    return Task(text, kind, "recommendations.show_recommendation", hint=hint, recommendation_id=rec.id)


def action_task(text: str, kind: str, action, hint: str = "") -> Task:
    return Task(text, kind, "actions.show_action", hint=hint, action_id=action.id)


def is_slipped(action) -> bool:
    """An unfinished action whose current target date is later than the date first agreed for it.

    Kept here, small, until the actions feature offers its own rule for slippage; point this at that one then."""
    return not action.is_complete and action.target_on > action.original_target_on


@dataclass(frozen=True)
class Blocker:
    """An unfinished action that another action waits on."""

    action_id: int
    description: str
    recommendation_number: int


def unfinished_blockers(inspection_id: int) -> dict[int, list[Blocker]]:
    """{action id: the unfinished actions it waits on} for the inspection's actions, in one query.

    An action is blocked when it depends on an unfinished action (tracker.assurance's ActionDependency). Kept here
    until the actions feature offers its own rule for blocking; point this at that one then."""
    blocked: dict[int, list[Blocker]] = {}
    waiting = select(Action.id).join(Recommendation).where(Recommendation.inspection_id == inspection_id)
    for action_id, blocker_id, description, number in db.session.execute(
        select(ActionDependency.action_id, Action.id, Action.description, Recommendation.number)
        .join(Action, ActionDependency.blocker_id == Action.id)
        .join(Recommendation)
        .where(ActionDependency.action_id.in_(waiting), Action.status != COMPLETE)
        .order_by(ActionDependency.id)
    ):
        blocked.setdefault(action_id, []).append(Blocker(blocker_id, description, number))
    return blocked


def latest_decisions(inspection_id: int) -> dict[int, EvidenceReview]:
    """The latest reviewer's decision on each evidence item of the inspection, in one query (always issued, so the
    count does not depend on the data)."""
    reviews = db.session.scalars(
        select(EvidenceReview)
        .join(Evidence)
        .join(Recommendation)
        .where(Recommendation.inspection_id == inspection_id)
        .order_by(EvidenceReview.id)
    )
    return {review.evidence_id: review for review in reviews}


def is_ready_to_submit(rec, status_key: str, decisions: dict[int, EvidenceReview]) -> bool:
    """Every action complete and each with evidence the reviewer has not rejected, and not yet submitted: the same
    conditions as tracker.assurance's unmet_conditions, worked out from what is already loaded."""
    if rec.response in (None, NOT_AGREED) or status_key in ("submitted", "assured", "returned"):
        return False
    return bool(rec.actions) and all(
        action.is_complete and any(not set_aside(item, decisions, None) for item in action.evidence)
        for action in rec.actions
    )


def awaiting_review(rec, decisions: dict[int, EvidenceReview]) -> list:
    """Evidence of a recommendation submitted for assurance that the reviewer has not yet decided on in this round."""
    submission = latest_submission(rec)
    if submission is None or submission.state != SUBMITTED:
        return []
    return [
        item
        for item in rec.evidence
        if (decision := decisions.get(item.id)) is None or decision.submission_id != submission.id
    ]


def assurance_tasks(recommendations, statuses, decisions) -> list[Task]:
    tasks = []
    for rec in recommendations:
        key = statuses[rec.id].key
        if key == "returned":
            submission = latest_submission(rec)
            reason = submission.decision_reason if submission else ""
            tasks.append(
                rec_task(
                    f"Answer the reviewer and resubmit recommendation {rec.number}: it was returned.",
                    "returned",
                    rec,
                    hint=f"Reviewer's reasons: {reason}" if reason else "",
                )
            )
        elif is_ready_to_submit(rec, key, decisions):
            tasks.append(
                rec_task(
                    f"Submit recommendation {rec.number} for assurance: every action is complete and evidenced.",
                    "ready",
                    rec,
                )
            )
        elif waiting := awaiting_review(rec, decisions):
            items = "; ".join(item.title for item in waiting)
            tasks.append(
                rec_task(
                    f"Review the evidence for recommendation {rec.number}: {len(waiting)} "
                    f"{'item' if len(waiting) == 1 else 'items'} awaiting review.",
                    "awaiting_review",
                    rec,
                    hint=items,
                )
            )
    return tasks


def _action_kind(action, on, reinspection_on, blockers) -> str | None:
    if action.is_overdue(on):
        return "overdue"
    if blockers:
        return "blocked"
    if is_slipped(action):
        return "slipped"
    if reinspection_on and not action.is_complete and action.target_on > reinspection_on:
        return "late"
    return None


def _action_hint(action, kind, reinspection_on, blockers) -> str:
    """The other reasons the action needs chasing, besides the one its sentence names."""
    notes = []
    if blockers and kind != "blocked":
        notes.append(
            "Waits on "
            + "; ".join(f"recommendation {b.recommendation_number}: {b.description.rstrip('.')}" for b in blockers)
            + "."
        )
    if is_slipped(action) and kind != "slipped":
        notes.append(f"Slipped: first agreed for {format_date(action.original_target_on)}.")
    if reinspection_on and action.target_on > reinspection_on and kind != "late":
        notes.append("Due after the re-inspection.")
    return " ".join(notes)


def _action_text(action, kind, blockers) -> str:
    number = action.recommendation.number
    owner = action.owner.name if action.owner else "no owner"
    due = format_date(action.target_on)
    if kind == "overdue":
        return f"Complete the overdue action for recommendation {number} ({owner}), due {due}: {action.description}"
    if kind == "blocked":
        waits = "; ".join(f"recommendation {b.recommendation_number}: {b.description.rstrip('.')}" for b in blockers)
        return (
            f"Unblock the action for recommendation {number} ({owner}), which waits on an unfinished action "
            f"({waits}): {action.description}"
        )
    if kind == "slipped":
        return (
            f"Hold the action for recommendation {number} ({owner}) to its revised date, {due}, slipped from "
            f"{format_date(action.original_target_on)}: {action.description}"
        )
    return (
        f"Bring forward or justify the action for recommendation {number}, due {due}, after the "
        f"re-inspection: {action.description}"
    )


def action_tasks(actions, on, reinspection_on, blocked: dict[int, list[Blocker]]) -> list[Task]:
    """One task per action that needs chasing, named by its most urgent reason (overdue, blocked, slipped, due after
    the re-inspection), with any others in its hint; overdue ones first, soonest due first."""
    tasks = []
    for action in sorted(actions, key=lambda a: (not a.is_overdue(on), a.target_on, a.id)):
        blockers = blocked.get(action.id, []) if not action.is_complete else []
        kind = _action_kind(action, on, reinspection_on, blockers)
        if kind:
            tasks.append(
                action_task(
                    _action_text(action, kind, blockers),
                    kind,
                    action,
                    hint=_action_hint(action, kind, reinspection_on, blockers),
                )
            )
    return tasks
