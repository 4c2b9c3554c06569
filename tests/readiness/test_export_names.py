"""Export file names come from the PDU's name, whatever characters it holds (RFC 6266 filename*)."""

import pytest
from werkzeug.http import parse_options_header

from tests.conftest import HEAD
from tracker.extensions import db


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_pdu_name_outside_latin_1_and_with_quotes_still_exports(as_user, inspection, extension):
    inspection.pdu.name = 'Gwynedd – Ynys Môn "North"; x=1'
    db.session.commit()
    response = as_user(HEAD).get(f"/inspections/{inspection.id}/action-plan.{extension}")
    assert response.status_code == 200 and len(response.data) > 100
    kind, options = parse_options_header(response.headers["Content-Disposition"])
    assert kind == "attachment"
    assert options["filename"] == f"action-plan-gwynedd-ynys-môn-north-x-1-{inspection.id}.{extension}"
    assert '"North"' not in response.headers["Content-Disposition"]
