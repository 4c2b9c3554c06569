"""The action plan exports, read back with openpyxl: a title block, one row per action in the HMPPS layout, real
date cells, the recommendation's derived status, the latest progress, evidence with the reviewer's decision and
never on a row it does not belong to, a frozen header, a filter and A4 landscape; the CSV has the same cells."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import HEAD, VIEWER
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.db_types import today
from tracker.extensions import db
from tracker.readiness.exports import HEADINGS, WHOLE_RECOMMENDATION
from tracker.recommendations.models import ACCEPTED, REJECTED, EvidenceReview, Submission
from tracker.recommendations.status import action_status, recommendation_status
from tracker.shared.cells import safe_cell

EXPECTED = [
    "Recommendation number",
    "Recommendation",
    "Addressed to",
    "Recommendation owner",
    "Lead",
    "Response",
    "Rationale",
    "Recommendation status",
    "Action",
    "Action owner",
    "Action status",
    "Original target date",
    "Current target date",
    "Timeliness",
    "Days slipped",
    "Latest progress on",
    "Latest progress",
    "Evidence and review decision",
]
HEADER_ROW = 7


def col(name: str) -> int:
    return EXPECTED.index(name)


def workbook(client, inspection):
    response = client.get(f"/inspections/{inspection.id}/action-plan.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data)).active


def body(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_title_block_header_and_sheet_settings(as_user, inspection):
    sheet = workbook(as_user(HEAD), inspection)
    # named by the PDU and the month, never run on into the report's own "…services in: Barking…"
    assert sheet["A1"].value == "Action plan: Barking, Dagenham and Havering PDU inspection, published November 2022"
    assert sheet["A1"].value.count(":") == 1
    block = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(2, 6)}
    assert block["PDU"] == inspection.pdu.display_name
    assert block["Region"] == inspection.pdu.parent.display_name
    assert block["Produced by"] == find_user(HEAD).name
    assert block["Produced on"] and str(today().year) in block["Produced on"]
    assert [c.value for c in sheet[HEADER_ROW]] == EXPECTED == list(HEADINGS)
    assert all(c.alignment.wrap_text for c in sheet[HEADER_ROW])
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{HEADER_ROW}:R")
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.column_dimensions["B"].width >= 40


def test_one_row_per_action_with_real_dates_and_the_same_words_as_the_pages(as_user, inspection):
    rows = body(workbook(as_user(HEAD), inspection))
    actions = db.session.scalars(select(Action).order_by(Action.id)).all()
    action_rows = [r for r in rows if r[col("Action")] and r[col("Action")] != WHOLE_RECOMMENDATION]
    assert sorted(r[col("Action")] for r in action_rows) == sorted(a.description for a in actions)
    on = today()
    for action in actions:
        row = next(r for r in action_rows if r[col("Action")] == action.description)
        assert isinstance(row[col("Recommendation number")], int)
        assert row[col("Original target date")] == datetime.combine(action.original_target_on, datetime.min.time())
        assert row[col("Current target date")].date() == action.target_on
        assert row[col("Action status")] == action_status(action, on).label
        assert row[col("Recommendation status")] == recommendation_status(action.recommendation, on).label
        if action.updates:
            latest = max(action.updates, key=lambda u: (u.created_at, u.id))
            assert row[col("Latest progress")] == latest.narrative
            assert row[col("Latest progress on")].date() == latest.created_at.date()
    sheet = workbook(as_user(HEAD), inspection)
    date_cells = [
        c
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
        for c in row
        if c.value is not None
        and c.column - 1 in (col("Original target date"), col("Current target date"), col("Latest progress on"))
    ]
    assert date_cells and all(c.is_date and c.number_format == "DD/MM/YYYY" for c in date_cells)
    partly = next(r for r in rows if r[col("Response")] == "Partly agreed")
    assert partly[col("Rationale")]


def test_evidence_stays_on_its_own_row_and_rejections_are_marked(as_user, inspection):
    rec = next(r for r in inspection.recommendations if r.evidence and r.actions)
    whole_item = next((e for e in rec.evidence if e.action_id is None), None)
    action_item = next(e for e in rec.evidence if e.action_id is not None)
    submission = Submission(recommendation_id=rec.id, state="returned")
    db.session.add(submission)
    db.session.flush()
    db.session.add(
        EvidenceReview(submission_id=submission.id, evidence_id=action_item.id, decision=REJECTED, comment="Undated")
    )
    if whole_item:
        db.session.add(EvidenceReview(submission_id=submission.id, evidence_id=whole_item.id, decision=ACCEPTED))
    db.session.commit()
    rows = [r for r in body(workbook(as_user(HEAD), inspection)) if r[0] == rec.number]
    owner_row = next(r for r in rows if r[col("Action")] == action_item.action.description)
    assert f"{action_item.title} (REJECTED by the reviewer: Undated)" in owner_row[col("Evidence and review decision")]
    for row in rows:
        if row[col("Action")] != action_item.action.description:
            assert action_item.title not in (row[col("Evidence and review decision")] or "")
    if whole_item:
        whole = [r for r in rows if r[col("Action")] == WHOLE_RECOMMENDATION]
        assert len(whole) == 1 and f"{whole_item.title} (accepted)" in whole[0][col("Evidence and review decision")]
        assert all(
            whole_item.title not in (r[col("Evidence and review decision")] or "")
            for r in rows
            if r[col("Action")] != WHOLE_RECOMMENDATION
        )


def test_csv_has_the_same_columns_and_cells(as_user, inspection):
    client = as_user(VIEWER)
    from_csv = csv_rows(client.get(f"/inspections/{inspection.id}/action-plan.csv"))
    sheet = workbook(client, inspection)
    assert from_csv[0] == EXPECTED

    def text(cell):
        if cell is None:
            return ""
        return cell.strftime("%d/%m/%Y") if isinstance(cell, datetime | date) else str(cell)

    assert from_csv[1:] == [[text(c) for c in row] for row in body(sheet)]
    assert len(from_csv) > 10


def test_a_recommendation_without_actions_gets_one_row(as_user, inspection):
    rec = inspection.recommendations[3]
    for action in list(rec.actions):
        db.session.delete(action)
    db.session.commit()
    rows = body(workbook(as_user(HEAD), inspection))
    own = [row for row in rows if row[0] == rec.number]
    assert len(own) == 1 and own[0][col("Action owner")] in ("", None)


def test_formula_like_text_is_quoted_in_both_formats(as_user, inspection):
    action = inspection.recommendations[0].actions[0]
    action.description = '=HYPERLINK("http://evil.example","click")'
    db.session.commit()
    client = as_user(HEAD)
    quoted = '\'=HYPERLINK("http://evil.example","click")'
    assert any(
        row[col("Action")] == quoted for row in csv_rows(client.get(f"/inspections/{inspection.id}/action-plan.csv"))
    )
    sheet = workbook(client, inspection)
    assert any(row[col("Action")] == quoted for row in body(sheet))
    assert all(c.data_type in ("s", "n", "d") for row in sheet.iter_rows(min_row=HEADER_ROW) for c in row if c.value)


def test_print_report_and_export_use_one_vocabulary(as_user, inspection):
    from tests.conftest import soup_of, text_of

    client = as_user(HEAD)
    overdue = next(a for r in inspection.recommendations for a in r.actions if a.is_overdue(today()))
    page = soup_of(client.get(f"/inspections/{inspection.id}/readiness/print"))
    row = next(tr for tr in page.select("tr") if overdue.description in text_of(tr))
    assert "Overdue" in text_of(row)
    exported = next(r for r in body(workbook(client, inspection)) if r[col("Action")] == overdue.description)
    assert exported[col("Action status")] == "Overdue"


def test_safe_cell():
    assert [safe_cell(v) for v in ("=1+1", "+44", "-3", "@SUM", "plain", "")] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@SUM",
        "plain",
        "",
    ]
