"""The action plan in the layout of HMPPS action plans, as XLSX and CSV with exactly the same cells."""

import csv
import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tracker.readiness.loading import evidence_titles, load_recommendations
from tracker.recommendations.status import action_status, recommendation_status

COLUMNS = (
    "Recommendation number", "Recommendation", "Addressee", "Response", "Action", "Owner",
    "Original target date", "Revised target date", "Status", "Evidence",
)
WIDTHS = (16, 60, 24, 14, 60, 24, 18, 18, 16, 40)
#: characters that make a spreadsheet treat a cell as a formula (OWASP: CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Prefix a quote so text that looks like a formula is shown, never run."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def file_name(inspection, extension: str) -> str:
    """The PDU's name as a lower-case slug: letters in any script kept, everything else a hyphen."""
    slug = re.sub(r"[\W_]+", "-", inspection.pdu.name.lower()).strip("-")
    return f"action-plan-{slug}-{inspection.id}.{extension}"


def action_plan_rows(inspection, on: date) -> list[list[str]]:
    """One row per action; a recommendation without actions still gets one row with the action empty."""
    rows = []
    for rec in load_recommendations([inspection.id]):
        common = [str(rec.number), rec.text, rec.addressee_name, rec.response_label]
        rec_evidence = [item for item in rec.evidence if item.action_id is None]
        if not rec.actions:
            rows.append(common + ["", "", "", "", recommendation_status(rec, on).label,
                                  evidence_titles(rec_evidence)])
        for action in rec.actions:
            rows.append(common + [
                action.description, action.owner.name if action.owner else "",
                _date(action.original_target_on), _date(action.target_on) if action.is_revised else "",
                action_status(action, on).label, evidence_titles(action.evidence + rec_evidence),
            ])
    return [[safe_cell(cell) for cell in row] for row in rows]


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens accented names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(list(COLUMNS))
    for row in rows:
        # Cells are written as strings so that a quoted formula stays text; openpyxl would otherwise
        # store any string starting with "=" as a formula.
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    workbook.properties.title = title[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
