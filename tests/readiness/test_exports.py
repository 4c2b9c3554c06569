"""The action plan exports: one row per action in the HMPPS layout, the CSV identical to the XLSX, no formulas."""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import HEAD, VIEWER
from tracker.actions.models import Action
from tracker.extensions import db
from tracker.readiness.exports import COLUMNS, safe_cell

EXPECTED_COLUMNS = ["Recommendation number", "Recommendation", "Addressee", "Response", "Action", "Owner",
                    "Original target date", "Revised target date", "Status", "Evidence"]


def xlsx_rows(response) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_xlsx_has_one_row_per_action_and_the_exact_columns(as_user, inspection):
    response = as_user(HEAD).get(f"/inspections/{inspection.id}/action-plan.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = xlsx_rows(response)
    assert rows[0] == EXPECTED_COLUMNS == list(COLUMNS)
    actions = db.session.scalars(select(Action).order_by(Action.id)).all()
    body = rows[1:]
    assert len(body) == len(actions) + sum(1 for r in inspection.recommendations if not r.actions)
    assert sorted(row[4] for row in body if row[4]) == sorted(a.description for a in actions)
    revised = next(a for a in actions if a.is_revised)
    row = next(r for r in body if r[4] == revised.description)
    assert row[0] == "1" and row[3] == "Agreed" and row[5] == "Taylor Okafor"
    assert (row[6], row[7]) == (revised.original_target_on.isoformat(), revised.target_on.isoformat())
    assert row[8] == "Complete" and row[9] == "Workshop attendance register"
    partly = next(r for r in body if r[0] == "4")
    assert partly[3] == "Partly agreed" and partly[7] == ""


def test_csv_matches_the_xlsx_cell_for_cell(as_user, inspection):
    client = as_user(VIEWER)
    from_csv = csv_rows(client.get(f"/inspections/{inspection.id}/action-plan.csv"))
    from_xlsx = xlsx_rows(client.get(f"/inspections/{inspection.id}/action-plan.xlsx"))
    assert from_csv == from_xlsx
    assert len(from_csv) > 10


def test_a_recommendation_without_actions_gets_one_row(as_user, inspection):
    rec = inspection.recommendations[3]
    for action in list(rec.actions):
        db.session.delete(action)
    db.session.commit()
    rows = xlsx_rows(as_user(HEAD).get(f"/inspections/{inspection.id}/action-plan.xlsx"))[1:]
    own = [row for row in rows if row[0] == str(rec.number)]
    assert len(own) == 1 and own[0][4] == "" and own[0][5] == ""


def test_formula_like_text_is_quoted_in_both_formats(as_user, inspection):
    action = inspection.recommendations[0].actions[0]
    action.description = "=HYPERLINK(\"http://evil.example\",\"click\")"
    db.session.commit()
    client = as_user(HEAD)
    for rows in (csv_rows(client.get(f"/inspections/{inspection.id}/action-plan.csv")),
                 xlsx_rows(client.get(f"/inspections/{inspection.id}/action-plan.xlsx"))):
        assert any(row[4] == "'=HYPERLINK(\"http://evil.example\",\"click\")" for row in rows)
    workbook = load_workbook(io.BytesIO(client.get(f"/inspections/{inspection.id}/action-plan.xlsx").data))
    assert all(c.data_type == "s" for row in workbook.active.iter_rows(min_row=2) for c in row if c.value)


def test_safe_cell():
    assert [safe_cell(v) for v in ("=1+1", "+44", "-3", "@SUM", "plain", "")] == [
        "'=1+1", "'+44", "'-3", "'@SUM", "plain", ""]
