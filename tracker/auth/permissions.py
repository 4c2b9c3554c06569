"""Who may see and change what: every rule the pages and the API enforce, as plain functions."""

from tracker.auth.models import (
    ADMIN,
    HEAD_OF_PDU,
    HMPPS_LEAD,
    REGIONAL_DIRECTOR,
    User,
)
from tracker.organisations.models import NATIONAL, PDU, REGION, Organisation

#: the role that owns recommendations addressed to each level of the hierarchy
OWNER_ROLE_FOR_KIND = {PDU: HEAD_OF_PDU, REGION: REGIONAL_DIRECTOR, NATIONAL: HMPPS_LEAD}


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.is_admin


def covers(scope: Organisation, org: Organisation) -> bool:
    """True when `scope` is `org` or one of its ancestors."""
    node: Organisation | None = org
    while node is not None:
        if node.id == scope.id:
            return True
        node = node.parent
    return False


def can_see_org(user: User, org: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return any(covers(assignment.organisation, org) for assignment in user.roles)


def visible_pdu_filter(user: User):
    """None when the user sees every PDU, else the set of PDU ids they may see."""
    if is_admin(user) or any(a.organisation.kind == NATIONAL for a in user.roles):
        return None
    pdu_ids: set[int] = set()
    for assignment in user.roles:
        org = assignment.organisation
        if org.kind == PDU:
            pdu_ids.add(org.id)
        elif org.kind == REGION:
            pdu_ids.update(child.id for child in org.children)
    return pdu_ids


def can_view_inspection(user, inspection) -> bool:
    return can_see_org(user, inspection.pdu)


def can_view_recommendation(user, recommendation) -> bool:
    return can_view_inspection(user, recommendation.inspection)


def owns_recommendation(user, recommendation) -> bool:
    """The owner role at the owning organisation (head of PDU, regional director or HMPPS lead)."""
    if not user.is_authenticated:
        return False
    role = OWNER_ROLE_FOR_KIND.get(recommendation.owner_org.kind)
    return role is not None and recommendation.owner_org_id in user.orgs_with_role(role)


def can_manage_recommendation(user, recommendation) -> bool:
    """Set the response and lead, add actions and evidence: the owner, or the named lead."""
    if not user.is_authenticated:
        return False
    return owns_recommendation(user, recommendation) or recommendation.lead_id == user.id


def can_update_action(user, action) -> bool:
    """Post progress and evidence on an action: whoever manages its recommendation, or its owner."""
    if not user.is_authenticated:
        return False
    if action.owner_id == user.id and can_view_recommendation(user, action.recommendation):
        return True
    return can_manage_recommendation(user, action.recommendation)


def can_edit_action(user, action) -> bool:
    """Change an action's description, owner or target date: only whoever manages the recommendation."""
    return can_manage_recommendation(user, action.recommendation)


def can_view_evidence(user, evidence) -> bool:
    return can_view_recommendation(user, evidence.recommendation)


def can_manage_inspection(user, inspection) -> bool:
    """Set re-inspection dates: the head of the PDU, its regional director, or an HMPPS lead."""
    if not user.is_authenticated:
        return False
    pdu = inspection.pdu
    return (
        pdu.id in user.orgs_with_role(HEAD_OF_PDU)
        or pdu.parent_id in user.orgs_with_role(REGIONAL_DIRECTOR)
        or bool(user.orgs_with_role(HMPPS_LEAD))
    )


def can_remove_evidence(user, evidence) -> bool:
    """Whoever may add evidence where it is may remove it (while it is not yet reviewed)."""
    if evidence.action is not None:
        return can_update_action(user, evidence.action)
    return can_manage_recommendation(user, evidence.recommendation)


def can_reassign_work(user, recommendation) -> bool:
    """Give a leaver's work on this recommendation to someone else: whoever owns the recommendation, the director
    of the region of the inspected PDU, or an administrator."""
    if not user.is_authenticated:
        return False
    return (
        is_admin(user)
        or owns_recommendation(user, recommendation)
        or recommendation.inspection.pdu.parent_id in user.orgs_with_role(REGIONAL_DIRECTOR)
    )


#: who sees each item of the navigation (tracker.templating.NAVIGATION names these audiences)
NAVIGATION_AUDIENCES = {
    "any": lambda user: True,
    "admin": lambda user: user.has_role(ADMIN),
    "reviewer": lambda user: user.has_role(REGIONAL_DIRECTOR) or user.has_role(HMPPS_LEAD),
}


def reviewer_role(recommendation) -> str:
    """PDU (and partner) recommendations are reviewed by the region's director; region and HMPPS ones by HMPPS."""
    return REGIONAL_DIRECTOR if recommendation.owner_org.kind == PDU else HMPPS_LEAD


def holds_reviewer_role(user, recommendation) -> bool:
    """The person who assures the recommendation, and agrees a target date moved too far or too often."""
    if not user.is_authenticated or not can_view_recommendation(user, recommendation):
        return False
    if reviewer_role(recommendation) == REGIONAL_DIRECTOR:
        return recommendation.owner_org.parent_id in user.orgs_with_role(REGIONAL_DIRECTOR)
    return bool(user.orgs_with_role(HMPPS_LEAD))


def can_request_date(user, action) -> bool:
    """Ask for a new target date: the action's owner, when they may not change it themselves."""
    return (
        user.is_authenticated
        and action.owner_id == user.id
        and can_update_action(user, action)
        and not can_edit_action(user, action)
    )
