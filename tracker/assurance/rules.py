"""Who may submit, review and reopen a recommendation, and the independence rule: nobody reviews their own work."""

from tracker.auth.permissions import (  # noqa: F401  (the reviewer rule is shared with target-date agreement)
    OWNER_ROLE_FOR_KIND,
    holds_reviewer_role,
    owns_recommendation,
    reviewer_role,
)


def conflict_of_interest(user, recommendation, submission) -> str | None:
    """Why this person may not review this submission, or None when they are independent of it.

    Whatever roles they hold, they may not review a submission they made, a recommendation they lead, or one they
    own by role. The last test is skipped when the owning role is the reviewing role (HMPPS recommendations are
    owned and reviewed by HMPPS leads): there, independence means another HMPPS lead than the submitter and lead.
    """
    if submission is not None and submission.submitted_by_id == user.id:
        return "You submitted this recommendation for assurance, so someone else must review it."
    if recommendation.lead_id == user.id or (submission is not None and submission.lead_id == user.id):
        return "You lead this recommendation, so someone else must review it."
    owner_role = OWNER_ROLE_FOR_KIND.get(recommendation.owner_org.kind)
    if owner_role != reviewer_role(recommendation) and owns_recommendation(user, recommendation):
        return "You own this recommendation, so someone else must review it."
    return None


def can_submit(user, recommendation) -> bool:
    """Only the owner by role (head of PDU, regional director, HMPPS lead) puts a recommendation up for assurance."""
    return owns_recommendation(user, recommendation)


def can_review(user, recommendation, submission) -> bool:
    return holds_reviewer_role(user, recommendation) and conflict_of_interest(user, recommendation, submission) is None
