"""A recommendation's status, derived from its response and actions rather than typed by anyone."""

from dataclasses import dataclass
from datetime import date

from tracker.actions.models import COMPLETE, IN_PROGRESS, NOT_STARTED
from tracker.recommendations.models import NOT_AGREED


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    #: GOV.UK tag colour modifier ("" is the default blue)
    colour: str


NOT_STARTED_STATUS = Status("not_started", "Not started", "grey")
IN_PROGRESS_STATUS = Status("in_progress", "In progress", "blue")
ACTIONS_COMPLETE_STATUS = Status("actions_complete", "Actions complete", "turquoise")
NOT_AGREED_STATUS = Status("not_agreed", "Not agreed", "orange")
OVERDUE_STATUS = Status("overdue", "Overdue", "red")

ACTION_STATUS_TAGS = {
    NOT_STARTED: Status(NOT_STARTED, "Not started", "grey"),
    IN_PROGRESS: Status(IN_PROGRESS, "In progress", "blue"),
    "blocked": Status("blocked", "Blocked", "orange"),
    COMPLETE: Status(COMPLETE, "Complete", "green"),
}


def action_status(action, on: date) -> Status:
    if action.is_overdue(on):
        return OVERDUE_STATUS
    return ACTION_STATUS_TAGS[action.status]


def recommendation_status(recommendation, on: date) -> Status:
    if recommendation.response == NOT_AGREED:
        return NOT_AGREED_STATUS
    actions = recommendation.actions
    if not actions or all(action.status == NOT_STARTED for action in actions):
        return NOT_STARTED_STATUS
    if all(action.status == COMPLETE for action in actions):
        return ACTIONS_COMPLETE_STATUS
    return IN_PROGRESS_STATUS
