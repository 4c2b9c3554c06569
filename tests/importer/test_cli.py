"""Tests for `flask tracker import-report`: dry runs on every fixture, saving, new PDUs, duplicates, updates
and bad input."""

import json

import pytest
from sqlalchemy import select

from tests.importer import make_pdf
from tests.importer.conftest import BARKING_TEXT, FIXTURE_NAMES, FIXTURES, row_counts
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.importer import cli as importer_cli
from tracker.inspections.models import Inspection
from tracker.organisations import services as organisations


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=["tracker", "import-report", *map(str, args)], input=input)

    return invoke


def inspection_for(pdu_name: str) -> Inspection | None:
    pdu = organisations.find_pdu(pdu_name)
    if pdu is None:
        return None
    return db.session.scalar(select(Inspection).where(Inspection.pdu_id == pdu.id))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_dry_run_json_prints_the_extraction_and_saves_nothing(run, report_file, name):
    before = row_counts()
    # the Lewisham text is wrapped as text copied from a PDF is: its recommendations are checked here
    result = run(report_file(name), "--dry-run", "--json", "--accept-endings")
    assert result.exit_code == 0, result.output
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == expected
    assert "Nothing was saved" in result.stderr
    assert row_counts() == before


def test_dry_run_json_lists_standards_key_questions_and_addressees(run, report_file):
    data = json.loads(run(report_file("lambeth-2023"), "--dry-run", "--json").stdout)
    assert data["pdu_name"] == "Lambeth" and data["region_name"] == "London"
    assert data["score"] == 11 and data["score_max"] == 27
    assert [s["code"] for s in data["standards"]] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5"]
    assert data["standards"][5]["key_questions"][0] == {
        "text": "Does assessment focus sufficiently on engaging the person on probation?",
        "percentage": 75,
    }
    assert data["recommendations"][7] == {
        "number": 8,
        "addressee_kind": "other",
        "addressee_name": "The Metropolitan Police Service",
        "text": "respond to probation requests for domestic abuse information within the agreed timescales.",
    }


def test_dry_run_without_json_describes_the_report(run, report_file):
    result = run(report_file("lambeth-2023"), "--dry-run")
    assert result.exit_code == 0
    assert "PDU: Lambeth (London)" in result.output
    assert "Overall rating: Requires improvement; score: 11/27" in result.output
    assert "8. [The Metropolitan Police Service] respond to probation requests" in result.output


def test_dry_run_works_for_a_pdu_the_tracker_does_not_know(run, report_file):
    before = row_counts()
    result = run(report_file("cardiff-vale-2023"), "--dry-run", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pdu_name"] == "Cardiff and the Vale"
    assert row_counts() == before


def test_saving_lambeth_creates_the_inspection_with_its_recommendations_and_owners(run, report_file):
    result = run(report_file("lambeth-2023"))
    assert result.exit_code == 0, result.output
    assert (
        "Imported 'An inspection of probation services in Lambeth PDU' for Lambeth PDU: 9 recommendations"
        in result.output
    )
    inspection = inspection_for("Lambeth")
    assert inspection is not None
    assert (inspection.overall_rating, inspection.score, inspection.score_max) == ("Requires improvement", 11, 27)
    assert [s.code for s in inspection.standards][4] == "2.1"
    assert [q.percentage for q in inspection.standards[5].key_questions] == [75, 70, 52]
    owners = {r.number: (r.addressee_kind, r.owner_org.display_name) for r in inspection.recommendations}
    assert owners == {
        1: ("pdu", "Lambeth PDU"),
        2: ("pdu", "Lambeth PDU"),
        3: ("pdu", "Lambeth PDU"),
        4: ("pdu", "Lambeth PDU"),
        5: ("region", "London region"),
        6: ("region", "London region"),
        7: ("region", "London region"),
        # Partner bodies cannot sign in, so the PDU tracks what is asked of them.
        8: ("other", "Lambeth PDU"),
        9: ("hmpps", "HM Prison and Probation Service"),
    }
    assert inspection.recommendations[2].text == "ensure that managers’ oversight of cases is recorded and effective"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.inspection_id == inspection.id)).all()
    assert sorted(e.verb for e in events) == ["create"] * 9 + ["import"]
    assert f"/inspections/{inspection.id}" in result.output


def test_json_while_saving_keeps_standard_output_pure_json(run, report_file):
    result = run(report_file("newham-2023"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pdu_name"] == "Newham"
    assert "Imported" in result.stderr
    assert len(inspection_for("Newham").recommendations) == 5


def test_unknown_pdu_with_region_and_yes_is_created_under_the_region(run, report_file):
    result = run(report_file("cardiff-vale-2023"), "--region", "North West", "--yes")
    assert result.exit_code == 0, result.output
    assert "Created Cardiff and the Vale PDU in the North West region." in result.output
    pdu = organisations.find_pdu("Cardiff and the Vale")
    assert pdu.parent.name == "North West"
    inspection = inspection_for("Cardiff and the Vale")
    assert len(inspection.recommendations) == 10
    assert inspection.recommendations[4].owner_org.display_name == "North West region"
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.entity_type == "organisation", AuditEvent.entity_id == pdu.id)
        ).verb
        == "create"
    )


def test_unknown_pdu_uses_the_region_printed_in_the_report(run, report_file):
    result = run(report_file("cardiff-vale-2023"), "--yes")
    assert result.exit_code == 0, result.output
    assert organisations.find_pdu("Cardiff and the Vale").parent.name == "Wales"


def test_unknown_pdu_without_yes_and_without_a_terminal_is_refused(run, report_file):
    before = row_counts()
    result = run(report_file("cardiff-vale-2023"))
    assert result.exit_code == 1
    assert (
        "The PDU 'Cardiff and the Vale' is not in the tracker. Run again with --yes to create it in the "
        "Wales region" in result.output
    )
    assert "Nothing was saved." in result.output
    assert row_counts() == before


@pytest.mark.parametrize(("answer", "created"), [("y\n", True), ("n\n", False)])
def test_unknown_pdu_at_a_terminal_asks_first(run, report_file, monkeypatch, answer, created):
    monkeypatch.setattr(importer_cli, "can_ask", lambda: True)
    before = row_counts()
    result = run(report_file("cardiff-vale-2023"), input=answer)
    assert "The PDU 'Cardiff and the Vale' is not in the tracker. Create it in the Wales region?" in result.output
    assert (result.exit_code == 0) is created
    assert (organisations.find_pdu("Cardiff and the Vale") is not None) is created
    if not created:
        assert row_counts() == before


def test_pdu_option_overrides_the_name_in_the_report(run, report_file):
    result = run(report_file("newham-2023"), "--pdu", "Tower Hamlets")
    assert result.exit_code == 0, result.output
    assert len(inspection_for("Tower Hamlets").recommendations) == 5
    assert inspection_for("Newham") is None


def test_unknown_region_is_refused_with_the_known_regions(run, report_file):
    before = row_counts()
    result = run(report_file("cardiff-vale-2023"), "--region", "Atlantis", "--yes")
    assert result.exit_code == 1
    assert "neither is a region called 'Atlantis'" in result.output
    assert "North West" in result.output
    assert row_counts() == before


def test_the_same_report_again_is_refused_naming_the_existing_inspection(run, report_file):
    path = report_file("lambeth-2023")
    assert run(path).exit_code == 0
    inspection = inspection_for("Lambeth")
    before = row_counts()
    result = run(path)
    assert result.exit_code == 1
    assert f"already been imported as '{inspection.title}' (inspection {inspection.id}" in result.output
    assert "--update" in result.output
    assert row_counts() == before


def test_the_demo_report_is_recognised_as_already_imported(run, report_file):
    result = run(report_file("barking-dagenham-havering-2022"))
    assert result.exit_code == 1
    assert (
        "already been imported as 'An inspection of probation services in: Barking, Dagenham and Havering PDU'"
        in result.output
    )


def revised_barking() -> str:
    """Barking as if re-issued: one recommendation reworded and one percentage corrected, so a new fingerprint."""
    return BARKING_TEXT.replace(
        "increase quality assurance activity at PDU level.",
        "increase quality assurance activity at PDU level, including peer review.",
    ).replace(
        "Does assessment focus sufficiently on keeping other people safe?\t43%",
        "Does assessment focus sufficiently on keeping other people safe?\t44%",
    )


def test_update_changes_figures_and_wording_in_place_keeping_actions_and_evidence(run, report_file):
    text = revised_barking()
    assert text.count("44%") == 1 and text.count("peer review") == 1, "the fixture changed; update the test"
    path = report_file("barking-revised.txt", text.encode())
    inspection = inspection_for("Barking, Dagenham and Havering")
    actions = db.session.scalar(select(db.func.count()).select_from(Action))
    evidence = db.session.scalar(select(db.func.count()).select_from(Evidence))
    refused = run(path)
    assert refused.exit_code == 1 and "already been imported" in refused.output

    result = run(path, "--update")
    assert result.exit_code == 0, result.output
    assert (
        "Updated 'An inspection of probation services in: Barking, Dagenham and Havering PDU': 2 changes."
        in result.output
    )
    db.session.expire_all()
    assert inspection_for("Barking, Dagenham and Havering").id == inspection.id
    rec = next(r for r in inspection.recommendations if r.number == 11)
    assert rec.text == "increase quality assurance activity at PDU level, including peer review."
    assessment = next(s for s in inspection.standards if s.code == "2.2")
    assert [q.percentage for q in assessment.key_questions] == [65, 68, 44]
    assert db.session.scalar(select(db.func.count()).select_from(Action)) == actions
    assert db.session.scalar(select(db.func.count()).select_from(Evidence)) == evidence
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.inspection_id == inspection.id, AuditEvent.verb == "update")
    ).all()
    assert {(e.entity_type, e.entity_id) for e in events} == {("recommendation", rec.id), ("standard", assessment.id)}
    assert next(e for e in events if e.entity_type == "recommendation").before == {
        "text": "increase quality assurance activity at PDU level."
    }


def test_update_of_an_unchanged_report_changes_nothing(run, report_file):
    result = run(report_file("barking-dagenham-havering-2022"), "--update")
    assert result.exit_code == 0, result.output
    assert ": no changes." in result.output


def bad_inputs():
    cut = BARKING_TEXT[: BARKING_TEXT.index("\nRecommendations\n")]
    return [
        ("empty.txt", b"", "is empty"),
        (
            "recipe.txt",
            b"Victoria sponge\n\nMethod\n\n1. Heat the oven.\n2. Bake until good.\n",
            "no ratings and no recommendations were found",
        ),
        ("scan.pdf", make_pdf.image_only_pdf(), "no text layer"),
        ("truncated.pdf", make_pdf.text_pdf(cut), "No recommendations were found"),
        ("truncated.txt", cut.encode(), "No recommendations were found"),
        ("letter.docx", b"PK\x03\x04rest of a zip", "looks like a Word document"),
    ]


@pytest.mark.parametrize(("filename", "data", "message"), bad_inputs(), ids=[b[0] for b in bad_inputs()])
@pytest.mark.parametrize("options", [(), ("--dry-run", "--json")], ids=["save", "dry-run"])
def test_bad_input_exits_non_zero_with_a_message_and_saves_nothing(run, report_file, filename, data, message, options):
    before = row_counts()
    result = run(report_file(filename, data), *options)
    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing was saved." in result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert row_counts() == before


def test_missing_file_is_a_usage_error(run, tmp_path):
    result = run(tmp_path / "nowhere.pdf")
    assert result.exit_code == 2
    assert "does not exist" in result.output
