"""A recommendation's status, derived from its response, actions and assurance rather than typed by anyone, and the
states of an action it is derived from.

The same Status tags are used by every page, the API, emails and dashboards."""

from dataclasses import dataclass
from datetime import date

from tracker.recommendations.models import ASSURED, NOT_AGREED, RETURNED, SUBMITTED

#: the states an action moves through
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
BLOCKED = "blocked"
COMPLETE = "complete"
STATUSES = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", BLOCKED: "Blocked", COMPLETE: "Complete"}


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
SUBMITTED_STATUS = Status("submitted", "Submitted for assurance", "purple")
RETURNED_STATUS = Status("returned", "Returned", "pink")
ASSURED_STATUS = Status("assured", "Assured", "green")

#: the latest submission's state decides the status while it is open, returned or assured; a reopened one
#: falls back to the actions, so work starts again where it left off
SUBMISSION_STATUS = {SUBMITTED: SUBMITTED_STATUS, RETURNED: RETURNED_STATUS, ASSURED: ASSURED_STATUS}

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


def latest_submission(recommendation):
    """The newest submission, from the selectin-loaded collection (no query per recommendation)."""
    submissions = getattr(recommendation, "submissions", None) or []
    return submissions[-1] if submissions else None


def recommendation_status(recommendation, on: date) -> Status:
    if recommendation.response == NOT_AGREED:
        return NOT_AGREED_STATUS
    submission = latest_submission(recommendation)
    if submission is not None and submission.state in SUBMISSION_STATUS:
        return SUBMISSION_STATUS[submission.state]
    actions = recommendation.actions
    if not actions or all(action.status == NOT_STARTED for action in actions):
        return NOT_STARTED_STATUS
    if all(action.status == COMPLETE for action in actions):
        return ACTIONS_COMPLETE_STATUS
    return IN_PROGRESS_STATUS


def all_statuses() -> list[Status]:
    """Every recommendation status defined here, so statuses added later appear in every filter too."""
    found: dict[str, Status] = {}
    for name, value in list(globals().items()):
        if isinstance(value, Status) and name.endswith("_STATUS") and name != "OVERDUE_STATUS":
            found.setdefault(value.key, value)
    return list(found.values())
