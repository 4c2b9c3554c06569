"""Use cases for actions: create, edit, revise a target date (with a reason), and post progress."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import or_, select

from tracker.actions.lists import blocked_condition
from tracker.actions.models import Action, ActionDependency, ProgressUpdate, TargetDateRevision
from tracker.audit.services import changed, quoted, record_event, snapshot
from tracker.date_rules import check_revised_date, check_target_date
from tracker.db_types import today, utcnow
from tracker.extensions import db
from tracker.recommendations.locking import ensure_unlocked
from tracker.recommendations.status import COMPLETE, STATUSES
from tracker.shared.conflicts import guarded
from tracker.templating import pluralise
from tracker.work_events import services as events

ACTION_FIELDS = ("description", "owner_id", "original_target_on", "target_on", "status", "completed_on")


class ActionError(ValueError):
    """A change that the rules refuse; the message is shown to the user."""


def named(action: Action) -> str:
    """How an event's summary names the action, since the recommendation's history lists all its actions' events."""
    return quoted(action.description, 60)


def _audit(actor, action: Action, verb: str, summary: str, before=None, after=None) -> None:
    record_event(
        actor,
        "action",
        action.id,
        verb,
        summary,
        before=before,
        after=after,
        recommendation_id=action.recommendation_id,
        inspection_id=action.recommendation.inspection_id,
    )


def build_action(
    recommendation, description: str, owner_id: int | None, target_on: date, status: str = "not_started"
) -> Action:
    action = Action(
        recommendation=recommendation,
        description=description.strip(),
        owner_id=owner_id,
        original_target_on=target_on,
        target_on=target_on,
        status=status,
    )
    db.session.add(action)
    db.session.flush()
    return action


def create_action(actor, recommendation, description: str, owner_id: int | None, target_on: date) -> Action:
    ensure_unlocked(recommendation)
    if problem := check_target_date(target_on):
        raise ActionError(problem)
    action = build_action(recommendation, description, owner_id, target_on)
    _audit(actor, action, "create", f"Added action: {action.description}", after=snapshot(action, ACTION_FIELDS))
    events.action_assigned(actor, action)
    db.session.commit()
    return action


def edit_action(actor, action: Action, description: str, owner_id: int | None, expected_version=None) -> Action:
    """Raises ConflictError when `expected_version` (from the form) is not the stored version."""
    ensure_unlocked(action.recommendation)
    with guarded(action, expected_version):
        return _edit_action(actor, action, description, owner_id)


def _edit_action(actor, action: Action, description: str, owner_id: int | None) -> Action:
    before = snapshot(action, ACTION_FIELDS)
    action.description = description.strip()
    action.owner_id = owner_id
    db.session.flush()
    old, new = changed(before, snapshot(action, ACTION_FIELDS))
    if new:
        _audit(actor, action, "update", f"Edited the action {named(action)}", before=old, after=new)
    if "owner_id" in new:
        events.action_assigned(actor, action)
    db.session.commit()
    return action


def revise_target_date(actor, action: Action, new_on: date, reason: str, expected_version=None) -> TargetDateRevision:
    """Move the target date; the original stays and the reason is kept, so nothing is deferred silently."""
    ensure_unlocked(action.recommendation)
    with guarded(action, expected_version):
        return _revise_target_date(actor, action, new_on, reason)


def _revise_target_date(actor, action: Action, new_on: date, reason: str) -> TargetDateRevision:
    reason = reason.strip()
    if not reason:
        raise ActionError("Enter the reason for changing the target date")
    if problem := check_revised_date(new_on, action.target_on):
        raise ActionError(problem)
    revision = record_revision(actor, action, new_on, reason)
    db.session.commit()
    return revision


def record_revision(actor, action: Action, new_on: date, reason: str) -> TargetDateRevision:
    """Move the target with its revision and audit event, in the caller's transaction."""
    revision = TargetDateRevision(
        action=action,
        previous_on=action.target_on,
        new_on=new_on,
        reason=reason,
        revised_by_id=getattr(actor, "id", None),
    )
    db.session.add(revision)
    before = {"target_on": action.target_on.isoformat()}
    action.target_on = new_on
    _audit(
        actor,
        action,
        "revise_date",
        f"Target date of {named(action)} changed from {before['target_on']} to {new_on.isoformat()}: {reason}",
        before=before,
        after={"target_on": new_on.isoformat(), "reason": reason},
    )
    return revision


def is_correctable(action: Action) -> bool:
    """Until anything is recorded against an action, a wrong target date is a slip, corrected without a revision."""
    return not deletion_blockers(action)


def correct_target_date(actor, action: Action, new_on: date, expected_version=None) -> Action:
    """Put right a target date typed wrongly: the action reads as if it had been entered correctly (no
    "originally" date), and the audit trail alone records the correction."""
    ensure_unlocked(action.recommendation)
    with guarded(action, expected_version):
        if not is_correctable(action):
            raise ActionError("Work is recorded against this action, so give a reason for changing the target date")
        if problem := check_revised_date(new_on, action.target_on):
            raise ActionError(problem)
        before = {
            "target_on": action.target_on.isoformat(),
            "original_target_on": action.original_target_on.isoformat(),
        }
        action.target_on = action.original_target_on = new_on
        _audit(
            actor,
            action,
            "correct_date",
            f"Target date of {named(action)} corrected from {before['target_on']} to {new_on.isoformat()} "
            "before work began",
            before=before,
            after={"target_on": new_on.isoformat(), "original_target_on": new_on.isoformat()},
        )
        db.session.commit()
        return action


def apply_status(action: Action, status: str, on: date) -> None:
    if status not in STATUSES:
        raise ActionError("Select a valid status")
    action.status = status
    action.completed_on = on if status == COMPLETE else None


def unfinished_blockers(action: Action) -> list[Action]:
    """The actions this one waits on that are not yet complete, soonest due first."""
    return list(
        db.session.scalars(
            select(Action)
            .join(ActionDependency, ActionDependency.blocker_id == Action.id)
            .where(ActionDependency.action_id == action.id, Action.status != COMPLETE)
            .order_by(Action.target_on, Action.id)
        )
    )


def blocked_action_ids(action_ids) -> set[int]:
    """Of these actions, the unfinished ones that wait on an unfinished action, in one query."""
    ids = list(action_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Action.id).where(Action.id.in_(ids), blocked_condition())))


def blocked_completion(action: Action, new_status: str | None) -> list[Action]:
    """What stands in the way of marking the action complete now: the unfinished actions it waits on."""
    if new_status != COMPLETE or action.status == COMPLETE:
        return []
    return unfinished_blockers(action)


def _check_dependencies(actor, action: Action, new_status: str | None, override_reason: str) -> None:
    """Completing an action that still waits on others needs a reason, kept in the audit trail."""
    blockers = blocked_completion(action, new_status)
    if not blockers:
        return
    count = f"{len(blockers)} unfinished action" + ("" if len(blockers) == 1 else "s")
    if not override_reason:
        raise ActionError(f"This action waits on {count}. To mark it complete anyway, give the reason")
    record_event(
        actor,
        "action",
        action.id,
        "complete_override",
        f"Marked {named(action)} complete while it waits on {count}: {override_reason}",
        before={"unfinished_blocker_ids": [b.id for b in blockers]},
        after={"reason": override_reason},
        recommendation_id=action.recommendation_id,
        inspection_id=action.recommendation.inspection_id,
    )


def post_update(
    actor,
    action: Action,
    narrative: str,
    new_status: str | None = None,
    on: date | None = None,
    expected_version=None,
    override_reason: str | None = "",
) -> ProgressUpdate:
    """A dated narrative by a person, optionally moving the action's status; refused with ConflictError when the
    action changed since `expected_version` was read. A narrative alone may be posted while the recommendation is
    under review; a change of status may not. Marking complete an action that waits on unfinished ones is refused
    unless `override_reason` says why."""
    if new_status and new_status != action.status:
        ensure_unlocked(action.recommendation)
    with guarded(action, expected_version):
        return _post_update(actor, action, narrative, new_status, on, (override_reason or "").strip())


def _post_update(
    actor, action: Action, narrative: str, new_status: str | None, on: date | None, override_reason: str = ""
) -> ProgressUpdate:
    narrative = narrative.strip()
    if not narrative:
        raise ActionError("Enter what has happened since the last update")
    _check_dependencies(actor, action, new_status, override_reason)
    before = snapshot(action, ("status", "completed_on"))
    update = ProgressUpdate(action=action, author_id=getattr(actor, "id", None), narrative=narrative)
    if new_status and new_status != action.status:
        update.status_from = action.status
        update.status_to = new_status
        apply_status(action, new_status, on or today())
    db.session.add(update)
    db.session.flush()
    old, new = changed(before, snapshot(action, ("status", "completed_on")))
    status = f", status now {STATUSES[action.status]}" if new else ""
    summary = f"Posted a progress update on {named(action)}{status}"
    record_event(
        actor,
        "progress_update",
        update.id,
        "create",
        summary,
        before=old or None,
        after={"narrative": narrative, **new},
        recommendation_id=action.recommendation_id,
        inspection_id=action.recommendation.inspection_id,
    )
    db.session.commit()
    return update


def correction_window() -> timedelta:
    """How long after posting an update its author may correct or withdraw it: `[actions] update_correction_minutes`."""
    return timedelta(minutes=int(current_app.config.get("ACTIONS_UPDATE_CORRECTION_MINUTES", 30)))


def can_change_update(user, update: ProgressUpdate) -> bool:
    """Only its author, and only within the correction window; after that an update is permanent."""
    return (
        update.author_id is not None
        and update.author_id == getattr(user, "id", None)
        and utcnow() - update.created_at <= correction_window()
    )


def _ensure_changeable(actor, update: ProgressUpdate) -> None:
    if not can_change_update(actor, update):
        minutes = int(correction_window().total_seconds() // 60)
        raise ActionError(f"Only its author can change an update, within {pluralise(minutes, 'minute')} of posting it")


def correct_update(actor, update: ProgressUpdate, narrative: str) -> ProgressUpdate:
    """Put right what an update says (a typo, a wrong name); the history keeps what it said before."""
    _ensure_changeable(actor, update)
    narrative = narrative.strip()
    if not narrative:
        raise ActionError("Enter what has happened since the last update")
    before = update.narrative
    if narrative != before:
        update.narrative = narrative
        update.corrected_at = utcnow()
        record_event(
            actor,
            "progress_update",
            update.id,
            "correct",
            "Corrected a progress update",
            before={"narrative": before},
            after={"narrative": narrative},
            recommendation_id=update.action.recommendation_id,
            inspection_id=update.action.recommendation.inspection_id,
        )
    db.session.commit()
    return update


def withdraw_update(actor, update: ProgressUpdate) -> Action:
    """Take back an update posted by mistake (twice, or on the wrong action). A change of status it made is undone,
    if nothing has changed the status since; the history keeps the update's words."""
    _ensure_changeable(actor, update)
    action = update.action
    after = None
    if update.status_to:
        latest = next((u for u in action.updates if u.status_to), None)
        if latest is not update or action.status != update.status_to or update.status_from == COMPLETE:
            raise ActionError("The status has changed since this update, so post a new update instead")
        ensure_unlocked(action.recommendation)
        apply_status(action, update.status_from or "not_started", today())
        after = {"status": action.status}
    record_event(
        actor,
        "progress_update",
        update.id,
        "withdraw",
        "Withdrew a progress update",
        before={"narrative": update.narrative, "status_from": update.status_from, "status_to": update.status_to},
        after=after,
        recommendation_id=action.recommendation_id,
        inspection_id=action.recommendation.inspection_id,
    )
    action.updates.remove(update)
    db.session.commit()
    return action


def deletion_blockers(action: Action) -> list[str]:
    """Why an action cannot be deleted: once work is recorded against it, it stays on the record."""

    reasons = []
    if action.updates:
        reasons.append("it has progress updates")
    if action.evidence:
        reasons.append("it has evidence")
    linked = db.session.scalar(
        select(ActionDependency.id).where(
            or_(ActionDependency.action_id == action.id, ActionDependency.blocker_id == action.id)
        )
    )
    if linked is not None:
        reasons.append("another action depends on it, or it depends on another")
    return reasons


def delete_action(actor, action: Action) -> None:
    """Delete an action added by mistake; refused once anything has been recorded against it."""
    ensure_unlocked(action.recommendation)
    if reasons := deletion_blockers(action):
        raise ActionError("This action cannot be deleted because " + " and ".join(reasons))
    before = snapshot(action, ACTION_FIELDS)
    _audit(actor, action, "delete", f"Deleted action: {action.description}", before=before)
    db.session.delete(action)
    db.session.commit()
