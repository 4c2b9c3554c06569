"""Whose work an email is about, for its subject line: the region a person directs, HMPPS for a national lead, the
PDU they head; for anyone else, the organisation most of the message's items are addressed to."""

from collections import Counter

from tracker.auth.models import HEAD_OF_PDU, HMPPS_LEAD, REGIONAL_DIRECTOR, User

#: the role whose organisation names a person's scope, widest first
SCOPE_ROLES = (REGIONAL_DIRECTOR, HMPPS_LEAD, HEAD_OF_PDU)


def scope_name(user: User, addressees: list[str]) -> str:
    """'London region', 'HMPPS', 'Barking, Dagenham and Havering PDU'; 'Tracker' when nothing names one."""
    for role in SCOPE_ROLES:
        for assignment in user.roles:
            if assignment.role == role:
                return assignment.organisation.display_name
    if addressees:
        return Counter(addressees).most_common(1)[0][0]
    return "Tracker"
