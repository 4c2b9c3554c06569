"""Accessible SVG charts drawn on the server, each with the table of the same figures shown beside it.

No script and no fonts from elsewhere; colours and shapes go in SVG presentation attributes, because the
content security policy forbids style attributes. Each line also differs by marker shape and dash pattern,
so the charts do not rely on colour alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from tracker.readiness.projection import Bands, percentage
from tracker.recommendations.models import ADDRESSEE_KINDS
from tracker.templating import format_date

#: GOV.UK Design System colours
COLOURS = {
    "blue": "#1d70b8",
    "green": "#00703c",
    "orange": "#f47738",
    "red": "#d4351c",
    "purple": "#4c2c92",
    "turquoise": "#28a197",
    "grey": "#505a5f",
    "pink": "#d53880",
    "yellow": "#ffdd00",
    "": "#1d70b8",
}
SERIES = (("#1d70b8", "circle", ""), ("#f47738", "square", "6 3"), ("#4c2c92", "triangle", "2 3"))
TEXT = "#0b0c0c"
ADDRESSEE_LABELS = {"pdu": "PDU", "region": "Region", "hmpps": "HMPPS", "other": "Other bodies"}
#: Drawn narrow, so that the text is still about 13 CSS px when a chart fills a 320 px phone's column (290 px);
#: wider columns scale it up. Legends are stacked under the plot and band names sit inside it, never beside it.
WIDTH, TOP, PLOT_HEIGHT, LEFT, RIGHT, FONT_SIZE = 300, 12, 170, 44, 10, 14
#: the x-axis labels under the plot, then one legend line per series
AXIS_LABELS, LEGEND_LINE = 24, 22
#: addressee bars: the name above each bar, the total after it
BAR_ROW, BAR_HEIGHT, BAR_TOTAL = 50, 22, 36
FONT = "'GDS Transport', arial, sans-serif"


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: Markup
    caption: str
    head: list[str]
    rows: list[list[str]]
    #: what the short column headings stand for, listed under the chart
    key: list[str] | None = None


def _svg(chart_id: str, title: str, description: str, body: list[str], height: float) -> Markup:
    # Every piece of text in the body went through escape(); the rest is numbers and fixed attribute values.
    return Markup(  # noqa: S704  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tracker-chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}" '
        f'font-size="{FONT_SIZE}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", fill: str = TEXT, halo: bool = False) -> str:
    # a white outline painted under the letters keeps a label legible where it crosses a line
    outline = ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"' if halo else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{outline}>{escape(content)}</text>'


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def _y_of(maximum: int):
    def y_of(value: float) -> float:
        return TOP + PLOT_HEIGHT * (1 - value / maximum) if maximum else TOP + PLOT_HEIGHT

    return y_of


def _y_axis(maximum: int, step: int, suffix: str = "") -> list[str]:
    y_of = _y_of(maximum)
    body = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + PLOT_HEIGHT}" stroke="{TEXT}"/>']
    for value in range(0, maximum + 1, step):
        body.append(_text(LEFT - 6, y_of(value) + 5, f"{value}{suffix}", "end"))
        body.append(
            f'<line x1="{LEFT}" y1="{y_of(value):.1f}" x2="{WIDTH - RIGHT}" y2="{y_of(value):.1f}" '
            f'stroke="#b1b4b6" stroke-width="0.5"/>'
        )
    return body


def _line_series(
    labels: list[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    maximum: int,
    step: int,
    suffix: str = "",
    behind: Sequence[str] = (),
) -> tuple[list[str], float]:
    """Lines over evenly spaced points with their legend stacked underneath; None leaves a gap. `behind` is drawn
    over the grid and under the lines. Returns the drawing and its height."""
    body, y_of = _y_axis(maximum, step, suffix) + list(behind), _y_of(maximum)
    first, span = LEFT + 24, WIDTH - LEFT - RIGHT - 48
    x_of = (lambda i: first + span * i / (len(labels) - 1)) if len(labels) > 1 else (lambda i: first + span / 2)
    for index, label in enumerate(labels):
        body.append(_text(x_of(index), TOP + PLOT_HEIGHT + 20, label, "middle"))
    legend_top = TOP + PLOT_HEIGHT + AXIS_LABELS + 14
    for number, (name, values) in enumerate(series):
        colour, shape, dash = SERIES[number % len(SERIES)]
        points = [(x_of(i), y_of(v)) for i, v in enumerate(values) if v is not None]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>')
        body.extend(_marker(shape, x, y, colour) for x, y in points)
        y = legend_top + LEGEND_LINE * number
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + 28}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="2.5"{dashes}/>'
        )
        body.append(_marker(shape, LEFT + 14, y, colour))
        body.append(_text(LEFT + 36, y + 5, name))
    return body, legend_top + LEGEND_LINE * (len(series) - 1) + 12


def key_question_charts(readiness, bands: Bands) -> list[Chart]:
    """One chart per audited case-supervision standard: each key question's percentage at the inspection and
    at every audit round, against the rating bands."""
    charts = []
    points = [("Inspection", readiness.inspection.fieldwork_on, None)] + [
        (f"Audit {n}", view.audit_round.held_on, view.audit_round) for n, view in enumerate(readiness.rounds, 1)
    ]
    for standard in readiness.inspection.standards:
        if standard.domain != 2 or not standard.is_rated or not standard.key_questions:
            continue
        series = [
            (f"Question {n}", [_kq_percentage(standard, kq, round_) for _, _, round_ in points])
            for n, kq in enumerate(standard.key_questions, 1)
        ]
        charts.append(
            _key_question_chart(
                standard,
                kq_texts=[kq.text for kq in standard.key_questions],
                points=points,
                series=series,
                bands=bands,
                samples=[_kq_samples(standard, round_) for _, _, round_ in points],
            )
        )
    return charts


def _kq_percentage(standard, kq, audit_round) -> int | None:
    if audit_round is None:
        return kq.percentage
    samples = {s.standard_id: s.cases_sampled for s in audit_round.standards}
    answers = {a.key_question_id: a.yes_count for a in audit_round.answers}
    if not samples.get(standard.id) or kq.id not in answers:
        return None
    return percentage(answers[kq.id], samples[standard.id])


def _kq_samples(standard, audit_round) -> list[str] | None:
    """ "15 of 20" for each key question audited in the round; None for the inspection's own percentages."""
    if audit_round is None:
        return None
    cases = {s.standard_id: s.cases_sampled for s in audit_round.standards}.get(standard.id)
    answers = {a.key_question_id: a.yes_count for a in audit_round.answers}
    return [f"{answers[kq.id]} of {cases}" if cases and kq.id in answers else "" for kq in standard.key_questions]


def _key_question_chart(standard, kq_texts, points, series, bands: Bands, samples) -> Chart:
    chart_id = f"chart-kq-{standard.code.replace('.', '-')}"
    labels = [label for label, _, _ in points]
    y_of, bounds = _y_of(100), []
    for threshold, rating in bands.thresholds:
        y = y_of(threshold)
        bounds.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{COLOURS["red"]}" stroke-width="1" stroke-dasharray="4 4"/>'
        )
        # the band's name just above its line, inside the plot, so that nothing needs a margin beside it
        bounds.append(_text(LEFT + 4, y - 4, f"{rating} from {threshold}%", fill=COLOURS["red"], halo=True))
    body, height = _line_series(_sparse_labels(labels), series, 100, 20, "%", bounds)
    described = "; ".join(
        f"{label}: "
        + ", ".join(
            f"question {n} {v}%" if v is not None else f"question {n} not audited"
            for n, (_, values) in enumerate(series, 1)
            for v in [values[i]]
        )
        for i, label in enumerate(labels)
    )
    title = f"{standard.code} {standard.name}: key-question percentages over time"
    description = (
        f"Percentage of cases answered 'Yes' for each key question, against the rating bands "
        f"(Outstanding {bands.outstanding}%, Good {bands.good}%, Requires improvement "
        f"{bands.requires_improvement}%). {described}."
    )
    rows = [
        [f"{label} ({format_date(day)})"]
        + [_pc(values[i], samples[i][n] if samples[i] else "") for n, (_, values) in enumerate(series)]
        for i, (label, day, _) in enumerate(points)
    ]
    head = ["When"] + [f"Question {n}" for n in range(1, len(kq_texts) + 1)]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, body, height),
        f"{standard.code} {standard.name}: percentage of cases answered 'Yes'",
        head,
        rows,
        list(kq_texts),
    )


def _pc(value: int | None, sample: str = "") -> str:
    if value is None:
        return "Not audited"
    return f"{value}% ({sample})" if sample else f"{value}%"


def status_by_addressee_chart(readiness) -> Chart:
    """Stacked bars: for each addressee, how many of its recommendations are in each status."""
    statuses = [status for status, _ in readiness.status_counts]
    kinds = [kind for kind in ADDRESSEE_KINDS if any(r.addressee_kind == kind for r in readiness.recommendations)]
    counts = {
        (kind, status.key): sum(
            1
            for r in readiness.recommendations
            if r.addressee_kind == kind and readiness.statuses[r.id].key == status.key
        )
        for kind in kinds
        for status in statuses
    }
    totals = {kind: sum(counts[(kind, s.key)] for s in statuses) for kind in kinds}
    chart_id = "chart-status-by-addressee"
    body, height = _stacked_bars(kinds, statuses, counts, totals)
    title = "Recommendations by status and addressee"
    description = (
        "; ".join(
            f"{ADDRESSEE_LABELS[kind]}: " + ", ".join(f"{counts[(kind, s.key)]} {s.label.lower()}" for s in statuses)
            for kind in kinds
        )
        or "No recommendations."
    )
    rows = [
        [ADDRESSEE_LABELS[kind]] + [str(counts[(kind, s.key)]) for s in statuses] + [str(totals[kind])]
        for kind in kinds
    ]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, body, height),
        "Recommendations by status and addressee",
        ["Addressee"] + [s.label for s in statuses] + ["Total"],
        rows,
    )


def _stacked_bars(kinds, statuses, counts, totals) -> tuple[list[str], float]:
    """One bar per addressee with its name above it, so that names of any length need no margin; the statuses'
    key is stacked underneath. Returns the drawing and its height."""
    body = []
    widest = max(totals.values(), default=1) or 1
    span = WIDTH - BAR_TOTAL
    for row, kind in enumerate(kinds):
        y = TOP + BAR_ROW * row
        body.append(_text(0, y + 4, ADDRESSEE_LABELS[kind]))
        x = 0.0
        for status in statuses:
            width = span * counts[(kind, status.key)] / widest
            if width:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 10}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                    f'fill="{COLOURS.get(status.colour, COLOURS["blue"])}" stroke="#ffffff"/>'
                )
            x += width
        body.append(_text(x + 6, y + 26, str(totals[kind])))
    legend_y = TOP + BAR_ROW * max(len(kinds), 1) + 8
    for number, status in enumerate(statuses):
        y = legend_y + LEGEND_LINE * number
        body.append(
            f'<rect x="0" y="{y - 12}" width="14" height="14" fill="{COLOURS.get(status.colour, COLOURS["blue"])}"/>'
        )
        body.append(_text(22, y, status.label))
    return body, legend_y + LEGEND_LINE * (len(statuses) - 1) + 8


#: the years either side of today that the actions chart covers; a date beyond them (a typing slip stored before
#: dates were checked) is counted at the edge rather than stretching, or breaking, the chart
CHART_YEARS_BEFORE, CHART_YEARS_AFTER = 10, 15
#: the most points a line chart has before it moves from months to quarters, and from quarters to years
MOST_POINTS = 36
#: the most axis labels that fit under a chart without overlapping
MOST_LABELS = 4
PERIODS = {1: ("month", "%b %y"), 3: ("quarter", "%b %y"), 12: ("year", "%Y")}


def _month_ends(start: date, end: date) -> list[date]:
    ends = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        following = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        ends.append(following - timedelta(days=1))
        cursor = following
    return ends


def _period_ends(start: date, end: date) -> tuple[list[date], int]:
    """The ends of the months from start to end; over a long span, of the quarters or the years instead. The last
    point is always the end of the last month, so the line reaches the present."""
    ends = _month_ends(start, end)
    months = 1
    for step in (3, 12):
        if len(ends) <= MOST_POINTS:
            break
        ends = [e for e in ends if e.month % step == 0] + ([ends[-1]] if ends[-1].month % step else [])
        months = step
    return ends, months


def _chart_window(on: date) -> tuple[date, date]:
    return date(max(on.year - CHART_YEARS_BEFORE, 1), 1, 1), date(min(on.year + CHART_YEARS_AFTER, 9998), 12, 31)


def _sparse_labels(labels: list[str]) -> list[str]:
    """Every n-th label, so that no more than MOST_LABELS are drawn and none overlap; the rest are blank."""
    step = -(-len(labels) // MOST_LABELS)
    return [label if index % step == 0 else "" for index, label in enumerate(labels)]


def actions_over_time_chart(readiness) -> Chart:
    """Cumulative actions completed, month by month (quarter by quarter, or year by year, over a long span),
    against how many were due by their original and current target dates."""
    actions = readiness.actions
    chart_id = "chart-actions-over-time"
    title = "Actions completed over time against their target dates"
    head = ["Month end", "Due (original date)", "Due (current date)", "Completed"]
    if not actions:
        return Chart(
            chart_id, title, "No actions yet.", _svg(chart_id, title, "No actions yet.", [], TOP), title, head, []
        )
    dates = [a.original_target_on for a in actions] + [a.target_on for a in actions]
    dates += [a.completed_on for a in actions if a.completed_on] + [readiness.on]
    dates += [readiness.reinspection_on] if readiness.reinspection_on else []
    earliest, latest = _chart_window(readiness.on)
    months, step = _period_ends(max(min(dates), earliest), min(max(dates), latest))
    period, label_format = PERIODS[step]
    original = [sum(1 for a in actions if a.original_target_on <= m) for m in months]
    current = [sum(1 for a in actions if a.target_on <= m) for m in months]
    # Completions after this month are not known yet, so the line stops rather than running flat.
    this_month = _month_end(min(readiness.on, latest))
    completed = [
        sum(1 for a in actions if a.completed_on and a.completed_on <= m) if m <= this_month else None for m in months
    ]
    labels = [f"{m:{label_format}}" for m in months]
    body, height = _line_series(
        _sparse_labels(labels),
        [("Due (original)", original), ("Due (current)", current), ("Completed", completed)],
        len(actions),
        max(1, len(actions) // 5 or 1),
    )
    description = (
        f"{len(actions)} actions. By the end of each {period}: "
        + "; ".join(
            f"{label} {o} due originally, {c} due now, "
            + ("completion not yet known" if d is None else f"{d} completed")
            for label, o, c, d in zip(labels, original, current, completed, strict=True)
        )
        + "."
    )
    rows = [
        [format_date(m), str(o), str(c), "Not yet" if d is None else str(d)]
        for m, o, c, d in zip(months, original, current, completed, strict=True)
    ]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, body, height),
        f"Actions due and completed by the end of each {period} (running totals)",
        [f"{period.capitalize()} end", *head[1:]],
        rows,
    )


def _month_end(day: date) -> date:
    return _month_ends(day, day)[-1]


def charts_for(readiness, bands: Bands) -> dict[str, list[Chart] | Chart]:
    return {
        "key_questions": key_question_charts(readiness, bands),
        "status": status_by_addressee_chart(readiness),
        "actions": actions_over_time_chart(readiness),
    }
