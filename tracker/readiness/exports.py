"""The action plan in the layout HMPPS action plans use, as XLSX and CSV with the same columns.

One row per action, with the recommendation it answers, its derived status in the same words as the pages, how it
stands against the date first agreed (overdue, slipped, complete on time or late), the latest progress update and
the action's own evidence with the reviewer's decision. Evidence for the recommendation as a whole gets a row of its
own, so nothing is copied onto a row it does not belong to."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import aliased, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.actions.models import ProgressUpdate
from tracker.auth.models import User
from tracker.db_types import today
from tracker.extensions import db
from tracker.organisations.models import Organisation
from tracker.readiness.loading import load_recommendations
from tracker.recommendations.services import decisions_on
from tracker.recommendations.status import action_status, recommendation_status
from tracker.shared.cells import safe_cell
from tracker.templating import format_date, format_month

#: (heading, width in characters); date columns hold real dates
COLUMNS = (
    ("Recommendation number", 14),
    ("Recommendation", 60),
    ("Addressed to", 22),
    ("Recommendation owner", 24),
    ("Lead", 20),
    ("Response", 14),
    ("Rationale", 40),
    ("Recommendation status", 18),
    ("Action", 60),
    ("Action owner", 22),
    ("Action status", 14),
    ("Original target date", 13),
    ("Current target date", 13),
    ("Timeliness", 22),
    ("Days slipped", 10),
    ("Latest progress on", 13),
    ("Latest progress", 50),
    ("Evidence and review decision", 50),
)
DATE_COLUMNS = {"Original target date", "Current target date", "Latest progress on"}
HEADINGS = tuple(heading for heading, _ in COLUMNS)
WHOLE_RECOMMENDATION = "(Evidence for the recommendation as a whole)"
UK_DATE = "DD/MM/YYYY"
#: the table's header row, below the title block and a blank row
HEADER_ROW = 7


def file_name(inspection, extension: str) -> str:
    """The PDU's name as a lower-case slug: letters in any script kept, everything else a hyphen."""
    slug = re.sub(r"[\W_]+", "-", inspection.pdu.name.lower()).strip("-")
    return f"action-plan-{slug}-{inspection.id}.{extension}"


@dataclass
class ActionPlan:
    title: str
    pdu: str
    region: str
    produced_on: date
    produced_by: str
    #: cells: text, whole numbers and dates (None for empty)
    rows: list[list]


def _evidence(items, decisions) -> str:
    def label(item) -> str:
        decision = decisions.get(item.id)
        if decision is None:
            return f"{item.title} (not yet reviewed)"
        return (
            f"{item.title} ({'REJECTED by the reviewer' if decision.decision == 'rejected' else 'accepted'}"
            + (f": {decision.comment}" if decision.comment else "")
            + ")"
        )

    return "; ".join(label(item) for item in items)


def _latest_updates(actions) -> dict[int, ProgressUpdate]:
    latest: dict[int, ProgressUpdate] = {}
    for update in db.session.scalars(
        select(ProgressUpdate)
        .where(ProgressUpdate.action_id.in_([a.id for a in actions]))
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    ):
        latest[update.action_id] = update
    return latest


def _recommendation_cells(rec, on: date) -> list:
    return [
        rec.number,
        rec.text,
        rec.addressee_name,
        rec.owner_org.display_name if rec.owner_org else "",
        rec.lead.name if rec.lead else "",
        rec.response_label,
        rec.response_rationale or "",
        recommendation_status(rec, on).label,
    ]


def _load_leads(recommendations) -> None:
    """Leads in one query (always issued, so the count does not depend on the data)."""
    leads = {
        user.id: user
        for user in db.session.scalars(
            select(User)
            .where(User.id.in_({rec.lead_id for rec in recommendations if rec.lead_id}))
            .options(lazyload(User.roles))
        )
    }
    for rec in recommendations:
        set_committed_value(rec, "lead", leads.get(rec.lead_id))


def action_plan_rows(inspection, on: date, only: set[int] | None = None) -> list[list]:
    """The rows of the inspection's plan; `only`, when given, keeps those recommendations (a filtered plan)."""
    recommendations = load_recommendations([inspection.id])
    if only is not None:
        recommendations = [rec for rec in recommendations if rec.id in only]
    _load_leads(recommendations)
    actions = [action for rec in recommendations for action in rec.actions]
    latest = _latest_updates(actions)
    decisions = decisions_on([item.id for rec in recommendations for item in rec.evidence])
    rows = []
    for rec in recommendations:
        common = _recommendation_cells(rec, on)
        for action in rec.actions:
            update = latest.get(action.id)
            rows.append(
                common
                + [
                    action.description,
                    action.owner.name if action.owner else "",
                    action_status(action, on).label,
                    action.original_target_on,
                    action.target_on,
                    action.timeliness(on).label,
                    action.slipped_by,
                    update.created_at.date() if update else None,
                    update.narrative if update else "",
                    _evidence(action.evidence, decisions),
                ]
            )
        whole = [item for item in rec.evidence if item.action_id is None]
        if whole or not rec.actions:
            rows.append(
                common
                + [
                    WHOLE_RECOMMENDATION if whole else "",
                    "",
                    "",
                    None,
                    None,
                    "",
                    None,
                    None,
                    "",
                    _evidence(whole, decisions),
                ]
            )
    return [[safe_cell(cell) if isinstance(cell, str) else cell for cell in row] for row in rows]


def action_plan(inspection, on: date, produced_by: str, only: set[int] | None = None) -> ActionPlan:
    region = aliased(Organisation)
    pdu_name, region_name = db.session.execute(
        select(Organisation.name, region.name)
        .outerjoin(region, Organisation.parent_id == region.id)
        .where(Organisation.id == inspection.pdu_id)
    ).one()
    return ActionPlan(
        plan_title(f"{pdu_name} PDU", inspection.published_on),
        f"{pdu_name} PDU",
        f"{region_name} region" if region_name else "",
        on,
        produced_by,
        action_plan_rows(inspection, on, only),
    )


def plan_title(pdu: str, published_on: date | None) -> str:
    """ "Action plan: Barking, Dagenham and Havering PDU inspection, published November 2022". Named by the PDU and
    the month, not the report's title: that often has a colon of its own ("An inspection of probation services in:
    …"), which would read as a second heading run on after the first."""
    published = f", published {format_month(published_on)}" if published_on else ""
    return f"Action plan: {pdu} inspection{published}"


def _text(cell) -> str:
    if cell is None:
        return ""
    return cell.strftime("%d/%m/%Y") if isinstance(cell, date) else str(cell)


def to_csv(plan: ActionPlan) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens accented names correctly; the same columns as the XLSX."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    writer.writerows([_text(cell) for cell in row] for row in plan.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _title_block(sheet, plan: ActionPlan) -> None:
    sheet["A1"] = safe_cell(plan.title)
    sheet["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(
        (
            ("PDU", plan.pdu),
            ("Region", plan.region),
            ("Produced on", format_date(plan.produced_on)),
            ("Produced by", plan.produced_by),
        ),
        start=2,
    ):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=safe_cell(value)).data_type = "s"


def _fill_sheet(sheet, plan: ActionPlan) -> None:
    _title_block(sheet, plan)
    header = HEADER_ROW
    for column, heading in enumerate(HEADINGS, start=1):
        cell = sheet.cell(row=header, column=column, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    dates = [index for index, heading in enumerate(HEADINGS, start=1) if heading in DATE_COLUMNS]
    for row in plan.rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.column in dates and cell.value is not None:
                cell.number_format = UK_DATE
            elif isinstance(cell.value, str):
                # A quoted formula stays text; openpyxl would otherwise store "=..." as a formula.
                cell.data_type = "s"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(COLUMNS))
    sheet.freeze_panes = f"A{header + 1}"
    sheet.auto_filter.ref = f"A{header}:{last}{max(header, sheet.max_row)}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Action plan"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def to_xlsx(plan: ActionPlan) -> bytes:
    return plans_to_xlsx([plan], plan.title, plan.produced_by, single=True)


def plans_to_xlsx(plans: list[ActionPlan], title: str, produced_by: str, single: bool = False) -> bytes:
    """One worksheet per action plan, each laid out as a PDU's own action plan is, so a region's plan is the
    plans of its PDUs side by side."""
    workbook = Workbook()
    taken: set[str] = set()
    for index, plan in enumerate(plans or [ActionPlan(title, "", "", today(), produced_by, [])]):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        assert sheet is not None  # a new workbook opens on its one worksheet
        sheet.title = "Action plan" if single else sheet_title(plan.pdu.removesuffix(" PDU"), taken)
        _fill_sheet(sheet, plan)
    workbook.properties.title = title[:255]
    workbook.properties.creator = produced_by[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
