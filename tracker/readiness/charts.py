"""Accessible SVG charts drawn on the server, each with the table of the same figures shown beside it.

No script and no fonts from elsewhere; colours and shapes go in SVG presentation attributes, because the
content security policy forbids style attributes. Each line also differs by marker shape and dash pattern,
so the charts do not rely on colour alone.

Time runs along a proportional axis: a point's distance from the first is its distance in days, so an inspection
four years before its first audit is drawn four years away, not one step. Lines are labelled at their ends, and
the rating bands' names are set where no line or point runs through them. A period not yet over (this month, so
far) is marked as such in the chart, its description and its table.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from tracker.readiness.projection import INADEQUATE, Bands, percentage
from tracker.recommendations.models import ADDRESSEE_KINDS
from tracker.templating import format_date, format_stated_date, pluralise

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
#: wider columns scale it up. Legends are stacked under the plot, or lines labelled in a margin to its right; band
#: names sit inside it, where nothing is drawn.
WIDTH, TOP, PLOT_HEIGHT, LEFT, RIGHT, FONT_SIZE = 300, 12, 170, 44, 10, 14
#: the margin right of a key-question chart's plot that holds each line's name, and the plot's height: taller than
#: the others, so that a band's name has room between its lines
LABEL_MARGIN, KEY_QUESTION_PLOT_HEIGHT = 92, 220
#: band names are smaller than the rest, and set this far clear of anything drawn
BAND_FONT_SIZE, CLEARANCE = 12.5, 2
#: a generous width for a character of the font, as a fraction of its size, to keep text clear of other things
CHARACTER_WIDTH = 0.6
#: how far inside the plot the first and last points in time are drawn, so that no marker sits on an axis
INSET = 12
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


@dataclass(frozen=True)
class Plot:
    """Where a line chart's plot sits: the value at its top, the margin right of it, its height."""

    maximum: int
    right: float = RIGHT
    height: float = PLOT_HEIGHT

    @property
    def bottom(self) -> float:
        return TOP + self.height

    @property
    def right_x(self) -> float:
        return WIDTH - self.right

    def y(self, value: float) -> float:
        return TOP + self.height * (1 - value / self.maximum) if self.maximum else self.bottom


def _y_axis(plot: Plot, values: Iterable[int], suffix: str = "") -> list[str]:
    """The axis with a label and a grid line at each of `values`."""
    body = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{plot.bottom}" stroke="{TEXT}"/>']
    for value in values:
        y = plot.y(value)
        body.append(_text(LEFT - 6, y + 5, f"{value}{suffix}", "end"))
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{plot.right_x}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="0.5"/>'
        )
    return body


def _x_scale(days: Sequence[date], plot: Plot) -> Callable[[date], float]:
    """Where a day falls along a proportional time axis from the first of `days` to the last: the distance between
    two points is the time between them. A lone day is drawn in the middle."""
    first, last = min(days), max(days)
    left_x, right_x = LEFT + INSET, plot.right_x - INSET
    span = (last - first).days
    if not span:
        return lambda day: (left_x + right_x) / 2
    return lambda day: left_x + (right_x - left_x) * (day - first).days / span


#: steps of a time axis, shortest first: (months between ticks, how a tick reads)
TICK_STEPS = ((1, "%b %y"), (3, "%b %y"), (6, "%b %y"), (12, "%Y"), (24, "%Y"), (60, "%Y"), (120, "%Y"), (600, "%Y"))


def _time_ticks(days: Sequence[date], x_of: Callable[[date], float], plot: Plot) -> list[tuple[date, str]]:
    """Evenly spaced days to label along a time axis over `days`: the first days of months, quarters, half-years
    or years, the shortest step whose labels fit side by side (and no more than MOST_LABELS). A span with none of
    them in it is labelled at its start."""
    first, last = min(days), max(days)
    months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
    starts = [date(index // 12, index % 12 + 1, 1) for index in months]
    starts = [day for day in starts if first <= day <= last]
    for step, form in TICK_STEPS:
        ticks = [(day, f"{day:{form}}") for day in starts if (day.year * 12 + day.month - 1) % step == 0]
        if 1 <= len(ticks) <= MOST_LABELS and _fit(ticks, x_of, plot):
            return ticks
    return [(first, f"{first:%b %Y}")]


def _fit(ticks: Sequence[tuple[date, str]], x_of: Callable[[date], float], plot: Plot) -> bool:
    """Whether the labels, centred under their days, keep apart and within the chart."""
    boxes = [text_box(x_of(day), plot.bottom + 20, label, FONT_SIZE, "middle") for day, label in ticks]
    inside = all(box.left >= 0 and box.right <= WIDTH for box in boxes)
    return inside and all(later.left - earlier.right >= 8 for earlier, later in zip(boxes, boxes[1:], strict=False))


@dataclass
class Line:
    """One series of a line chart: its name and a value (or None, not measured) at each day."""

    name: str
    values: Sequence[float | None]


@dataclass
class Box:
    """The space a piece of text or a marker takes, in the chart's units."""

    left: float
    top: float
    right: float
    bottom: float

    def holds(self, x: float, y: float, margin: float = 0) -> bool:
        return self.left - margin <= x <= self.right + margin and self.top - margin <= y <= self.bottom + margin

    def meets_segment(self, start: tuple[float, float], end: tuple[float, float], margin: float = 0) -> bool:
        """Whether the straight line from `start` to `end` passes through the box grown by `margin` (the segment is
        clipped to the box, Liang and Barsky's way: it meets the box when anything of it is left)."""
        (x1, y1), (x2, y2) = start, end
        dx, dy = x2 - x1, y2 - y1
        low, high = 0.0, 1.0
        for p, q in (
            (-dx, x1 - (self.left - margin)),
            (dx, self.right + margin - x1),
            (-dy, y1 - (self.top - margin)),
            (dy, self.bottom + margin - y1),
        ):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


def text_box(x: float, baseline: float, content: str, size: float, anchor: str = "start") -> Box:
    """The generous box a line of text takes: CHARACTER_WIDTH of its size for each character, from the top of its
    capitals to the bottom of its descenders."""
    width = len(content) * size * CHARACTER_WIDTH
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return Box(left, baseline - size * 0.8, left + width, baseline + size * 0.25)


def _plot_lines(
    days: Sequence[date], lines: Sequence[Line], plot: Plot
) -> tuple[list[str], list[list[tuple[float, float]]], Callable[[date], float]]:
    """The lines and their markers over proportional time; None leaves a point out. Returns the drawing, each
    line's points, and the time scale."""
    body, x_of = [], _x_scale(days, plot)
    all_points = []
    for number, line in enumerate(lines):
        colour, shape, dash = SERIES[number % len(SERIES)]
        points = [(x_of(day), plot.y(v)) for day, v in zip(days, line.values, strict=True) if v is not None]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<g class="tracker-chart-line" data-name="{escape(line.name)}">')
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>')
        body.extend(_marker(shape, x, y, colour) for x, y in points)
        body.append("</g>")
        all_points.append(points)
    return body, all_points, x_of


def _x_axis(days: Sequence[date], x_of: Callable[[date], float], plot: Plot) -> list[str]:
    return [_text(x_of(day), plot.bottom + 20, label, "middle") for day, label in _time_ticks(days, x_of, plot)]


def _legend(lines: Sequence[Line], top: float) -> tuple[list[str], float]:
    """The lines' key stacked under the plot; returns it and the chart's height."""
    body = []
    for number, line in enumerate(lines):
        colour, shape, dash = SERIES[number % len(SERIES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        y = top + LEGEND_LINE * number
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + 28}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="2.5"{dashes}/>'
        )
        body.append(_marker(shape, LEFT + 14, y, colour))
        body.append(_text(LEFT + 36, y + 5, line.name))
    return body, top + LEGEND_LINE * (len(lines) - 1) + 12


def _end_labels(
    lines: Sequence[Line], points: Sequence[list[tuple[float, float]]], plot: Plot, fixed: Sequence[Box] = ()
) -> list[str]:
    """Each line's name in the margin right of the plot, level with its last point; names that would touch each
    other or a band's name set there (`fixed`) are moved apart, within the plot's height, and a moved name is joined
    to its line's end by a short rule."""
    ends = sorted(
        ((pts[-1], number, line.name) for number, (line, pts) in enumerate(zip(lines, points, strict=True)) if pts),
        key=lambda end: end[0][1],
    )
    x = plot.right_x + 6
    above, below = FONT_SIZE * 0.8 - 5, FONT_SIZE * 0.25 + 5  # a name's extent around the level it is drawn at

    def clear(y: float, downwards: bool) -> float:
        """The nearest level from `y`, going down (or up), at which a name misses every fixed box."""
        for box in sorted(fixed, key=lambda b: b.top, reverse=not downwards):
            if y - above < box.bottom + CLEARANCE and y + below > box.top - CLEARANCE:
                y = box.bottom + CLEARANCE + above if downwards else box.top - CLEARANCE - below
        return y

    gap = FONT_SIZE + 2

    def raised(names: list[float], last: float) -> list[float]:
        """The names above moved up, as far as they must, for the last to go at `last`."""
        moved = [*names, last]
        for index in range(len(moved) - 2, -1, -1):
            moved[index] = clear(min(moved[index], moved[index + 1] - gap), downwards=False)
        return moved

    placed: list[float] = []
    wanted: list[float] = []
    for (_, y), _, _ in ends:
        wanted.append(y)
        # below the names above (and past any band name in the way), or, if that moves the names less in all, at
        # its own level (or above the band name in the way) with the names above raised to make room
        down = [*placed, clear(max(y, placed[-1] + gap) if placed else y, downwards=True)]
        up = raised(placed, clear(y, downwards=False))
        placed = min(down, up, key=lambda option: sum(abs(p - w) for p, w in zip(option, wanted, strict=True)))
    if placed and placed[-1] + below > plot.bottom:
        placed = raised(placed[:-1], clear(plot.bottom - below, downwards=False))
    body = []
    for ((end_x, end_y), number, name), y in zip(ends, placed, strict=True):
        colour = SERIES[number % len(SERIES)][0]
        if abs(y - end_y) > 3:
            body.append(
                f'<line x1="{end_x + 6:.1f}" y1="{end_y:.1f}" x2="{x - 2:.1f}" y2="{y:.1f}" stroke="{colour}" '
                f'stroke-width="1"/>'
            )
        body.append(
            f'<text class="tracker-chart-line-label" x="{x:.1f}" y="{y + 5:.1f}" fill="{TEXT}">{escape(name)}</text>'
        )
    return body


def _band_labels(
    bands: Bands, points: Sequence[list[tuple[float, float]]], plot: Plot
) -> tuple[list[str], list[Box], list[Box]]:
    """Each rating band's name within its band (between its line and the next): inside the plot at the first place
    from the left where no line, point or band line runs through it, on two lines if one will not fit; failing that
    in the margin beside the band, as far as it can be from where the lines end (their names are set around it).
    The percentages are on the axis. Returns the drawing, the boxes the names take, and those of them in the
    margin."""
    edges = [100, *(threshold for threshold, _ in bands.thresholds), 0]
    names = [rating for _, rating in bands.thresholds] + [INADEQUATE]
    segments = [(a, b) for pts in points for a, b in zip(pts, pts[1:], strict=False)]
    markers = [point for pts in points for point in pts]
    line_ends = [pts[-1][1] for pts in points if pts]
    rules = [((LEFT, plot.y(t)), (plot.right_x, plot.y(t))) for t in edges[1:-1]]
    leading = BAND_FONT_SIZE + 1
    taken: list[Box] = []
    in_margin: list[Box] = []

    def boxes_of(x: float, baseline: float, lines: Sequence[str]) -> list[Box]:
        return [text_box(x, baseline + leading * n, text, BAND_FONT_SIZE) for n, text in enumerate(lines)]

    def clashes(x: float, baseline: float, lines: Sequence[str]) -> int:
        return sum(
            sum(box.holds(mx, my, 5 + CLEARANCE) for mx, my in markers)
            + sum(box.meets_segment(a, b, 1.5 + CLEARANCE) for a, b in segments)
            + sum(box.meets_segment(a, b, CLEARANCE) for a, b in rules)
            + sum(_overlap(box, other, CLEARANCE) for other in taken)
            for box in boxes_of(x, baseline, lines)
        )

    def places(lines: Sequence[str], top: float, bottom: float, left: float, right: float) -> list:
        width = max(map(len, lines)) * BAND_FONT_SIZE * CHARACTER_WIDTH
        baselines = _steps(
            plot.y(top) + BAND_FONT_SIZE * 0.8 + CLEARANCE + 1,
            plot.y(bottom) - BAND_FONT_SIZE * 0.25 - CLEARANCE - 1 - leading * (len(lines) - 1),
            2,
        )
        return [(x, baseline, lines) for baseline in baselines for x in _steps(left, right - width, 4)]

    def distance_from_line_ends(candidate) -> float:
        boxes = boxes_of(*candidate)
        top, bottom = boxes[0].top, boxes[-1].bottom
        return min((max(top - y, y - bottom, 0) for y in line_ends), default=0)

    body = []
    for name, top, bottom in zip(names, edges, edges[1:], strict=False):
        words = name.split(" ")
        layouts = [[name]] + ([[" ".join(words[:-1]), words[-1]]] if len(words) > 1 else [])
        inside = [c for lines in layouts for c in places(lines, top, bottom, LEFT + 4, plot.right_x - 2)]
        chosen = next((c for c in inside if not clashes(*c)), None)
        if chosen is None:
            beside = [
                c for lines in layouts for c in places(lines, top, bottom, plot.right_x + 6, WIDTH) if not clashes(*c)
            ]
            if beside:
                chosen = max(beside, key=distance_from_line_ends)
                in_margin += boxes_of(*chosen)
        if chosen is None and inside:
            chosen = min(inside, key=lambda c: clashes(*c))
        if chosen is None:
            continue
        x, baseline, lines = chosen
        taken += boxes_of(x, baseline, lines)
        spans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if n == 0 else leading}">{escape(text)}</tspan>' for n, text in enumerate(lines)
        )
        body.append(
            f'<text class="tracker-chart-band" x="{x:.1f}" y="{baseline:.1f}" fill="{COLOURS["red"]}" '
            f'font-size="{BAND_FONT_SIZE}">{spans}</text>'
        )
    return body, taken, in_margin


def _overlap(box: Box, other: Box, margin: float = 0) -> bool:
    return not (
        box.right + margin < other.left
        or other.right + margin < box.left
        or box.bottom + margin < other.top
        or other.bottom + margin < box.top
    )


def _steps(start: float, stop: float, step: float) -> list[float]:
    """start, start + step, … up to stop (none when stop is before start)."""
    count = int((stop - start) // step) + 1 if stop >= start else 0
    return [start + step * i for i in range(count)]


def key_question_charts(readiness, bands: Bands) -> list[Chart]:
    """One chart per audited case-supervision standard: each key question's percentage at the inspection and
    at every audit round, against the rating bands, over time."""
    charts = []
    inspection = readiness.inspection
    inspected_on = inspection.fieldwork_on or inspection.published_on
    month_only = inspection.is_fieldwork_month_only if inspection.fieldwork_on else inspection.is_published_month_only
    points = [("Inspection", inspected_on, None)] + [
        (f"Audit {n}", view.audit_round.held_on, view.audit_round) for n, view in enumerate(readiness.rounds, 1)
    ]
    for standard in inspection.standards:
        if standard.domain != 2 or not standard.is_rated or not standard.key_questions:
            continue
        names = short_names([kq.text for kq in standard.key_questions])
        lines = [
            Line(name, [_kq_percentage(standard, kq, round_) for _, _, round_ in points])
            for name, kq in zip(names, standard.key_questions, strict=True)
        ]
        charts.append(
            _key_question_chart(
                standard,
                kq_texts=[kq.text for kq in standard.key_questions],
                points=points,
                lines=lines,
                bands=bands,
                samples=[_kq_samples(standard, round_) for _, _, round_ in points],
                month_only=month_only,
            )
        )
    return charts


#: the three things every case-supervision standard's key questions ask about, in the inspectorate's own words,
#: and the word that tells each apart: (short name, pattern), the first that matches naming the question
ASPECTS = (
    ("Safety", re.compile(r"\bsafe(ty)?\b|\brisk of harm\b", re.IGNORECASE)),
    ("Desistance", re.compile(r"\bdesistance\b|\boffending\b", re.IGNORECASE)),
    ("Engagement", re.compile(r"\bengag|\bcompliance\b", re.IGNORECASE)),
)


def short_names(texts: Sequence[str]) -> list[str]:
    """A short name for each key question of a standard, to label its line: "Engagement", "Desistance" and "Safety"
    for the inspectorate's three (engaging the person on probation, desistance, keeping other people safe); any
    other question, or two that would share a name, is "Question 1", "Question 2"… by its place."""
    found = [next((name for name, pattern in ASPECTS if pattern.search(text)), None) for text in texts]
    return [
        name if name is not None and found.count(name) == 1 else f"Question {number}"
        for number, name in enumerate(found, 1)
    ]


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


def _key_question_chart(standard, kq_texts, points, lines: list[Line], bands: Bands, samples, month_only) -> Chart:
    chart_id = f"chart-kq-{standard.code.replace('.', '-')}"
    # a point without a date (an inspection whose report gave none) is in the table, not on the time axis
    dated = [i for i, (_, day, _) in enumerate(points) if day is not None]
    days = [points[i][1] for i in dated]
    plotted = [Line(line.name, [line.values[i] for i in dated]) for line in lines]
    plot = Plot(100, LABEL_MARGIN, KEY_QUESTION_PLOT_HEIGHT)
    thresholds = [threshold for threshold, _ in bands.thresholds]
    # the axis is labelled where the bands meet, so that each band's name need not carry its percentage
    body = _y_axis(plot, sorted({0, 100, *thresholds}), "%")
    for threshold in thresholds:
        body.append(
            f'<line x1="{LEFT}" y1="{plot.y(threshold):.1f}" x2="{plot.right_x}" y2="{plot.y(threshold):.1f}" '
            f'stroke="{COLOURS["red"]}" stroke-width="1" stroke-dasharray="4 4"/>'
        )
    if days:
        drawn, line_points, x_of = _plot_lines(days, plotted, plot)
        band_names, _, beside = _band_labels(bands, line_points, plot)
        body += band_names + drawn + _end_labels(plotted, line_points, plot, beside) + _x_axis(days, x_of, plot)
    height = plot.bottom + AXIS_LABELS + 6
    described = "; ".join(
        f"{label}"
        + (f" ({format_date(day)})" if day else "")
        + ": "
        + ", ".join(
            f"{line.name} {value}%" if value is not None else f"{line.name} not audited"
            for line in lines
            for value in [line.values[i]]
        )
        for i, (label, day, _) in enumerate(points)
    )
    title = f"{standard.code} {standard.name}: key-question percentages over time"
    description = (
        f"Percentage of cases answered 'Yes' for each key question over time, against the rating bands "
        f"(Outstanding from {bands.outstanding}%, Good from {bands.good}%, Requires improvement from "
        f"{bands.requires_improvement}%). {described}."
    )
    rows = [
        [f"{label} ({_point_date(day, month_only and index == 0)})"]
        + [_pc(line.values[index], samples[index][n] if samples[index] else "") for n, line in enumerate(lines)]
        for index, (label, day, _) in enumerate(points)
    ]
    head = ["When"] + [line.name for line in lines]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, body, height),
        f"{standard.code} {standard.name}: percentage of cases answered 'Yes'",
        head,
        rows,
        [f"{line.name}: {text}" for line, text in zip(lines, kq_texts, strict=True)],
    )


def _point_date(day: date | None, month_only: bool) -> str:
    return format_stated_date(day, month_only) if day else "date not known"


def _pc(value: float | None, sample: str = "") -> str:
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
PERIODS = {1: "month", 3: "quarter", 12: "year"}


def _month_ends(start: date, end: date) -> list[date]:
    ends = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        following = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        ends.append(following - timedelta(days=1))
        cursor = following
    return ends


def _period_end(day: date, months: int) -> date:
    """The last day of the month, quarter (months=3) or year (months=12) that holds `day`."""
    last_month = -(-day.month // months) * months
    return _month_end(date(day.year, last_month, 1))


def _period_ends(start: date, end: date) -> tuple[list[date], int]:
    """The ends of the months from start to end; over a long span, of the quarters or the years instead, the last
    being the end of the period that holds `end`."""
    ends = _month_ends(start, end)
    months = 1
    for step in (3, 12):
        if len(ends) <= MOST_POINTS:
            break
        ends = sorted({_period_end(day, step) for day in ends})
        months = step
    return ends, months


def _chart_window(on: date) -> tuple[date, date]:
    return date(max(on.year - CHART_YEARS_BEFORE, 1), 1, 1), date(min(on.year + CHART_YEARS_AFTER, 9998), 12, 31)


def actions_over_time_chart(readiness) -> Chart:
    """Running totals of actions completed, at the end of each month (quarter, or year, over a long span) and today,
    against how many were due by their original and current target dates. Today's figures are for the period so
    far, and say so; completions after today are not known, so that line stops there."""
    actions = readiness.actions
    chart_id = "chart-actions-over-time"
    title = "Actions completed over time against their target dates"
    head = ["Month end", "Due (original date)", "Due (current date)", "Completed"]
    if not actions:
        return Chart(
            chart_id, title, "No actions yet.", _svg(chart_id, title, "No actions yet.", [], TOP), title, head, []
        )
    earliest, latest = _chart_window(readiness.on)
    on = min(max(readiness.on, earliest), latest)
    dates = [a.original_target_on for a in actions] + [a.target_on for a in actions]
    dates += [a.completed_on for a in actions if a.completed_on] + [on]
    dates += [readiness.reinspection_on] if readiness.reinspection_on else []
    ends, step = _period_ends(max(min(dates), earliest), min(max(dates), latest))
    period = PERIODS[step]
    days = sorted({*ends, on})
    original = [sum(1 for a in actions if a.original_target_on <= day) for day in days]
    current = [sum(1 for a in actions if a.target_on <= day) for day in days]
    completed = [
        sum(1 for a in actions if a.completed_on and a.completed_on <= day) if day <= on else None for day in days
    ]
    lines = [Line("Due (original)", original), Line("Due (current)", current), Line("Completed (to today)", completed)]
    plot = Plot(len(actions))
    body = _y_axis(plot, range(0, len(actions) + 1, max(1, len(actions) // 5 or 1)))
    drawn, _, x_of = _plot_lines(days, lines, plot)
    body += _today_line(x_of(on), period, plot) + drawn + _x_axis(days, x_of, plot)
    legend, height = _legend(lines, plot.bottom + AXIS_LABELS + 14)
    so_far = f" (today, so far this {period})"

    def when(day: date) -> str:
        return format_date(day) + (so_far if day == on else "")

    description = (
        f"{pluralise(len(actions), 'action')}, at the end of each {period} and today. "
        + "; ".join(
            f"{when(day)}: {o} due originally, {c} due now, "
            + ("completion not yet known" if d is None else f"{d} completed")
            for day, o, c, d in zip(days, original, current, completed, strict=True)
        )
        + "."
    )
    rows = [
        [when(day), str(o), str(c), "Not yet" if d is None else str(d)]
        for day, o, c, d in zip(days, original, current, completed, strict=True)
    ]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, body + legend, height),
        f"Actions due and completed by the end of each {period}, and so far today (running totals)",
        [f"{period.capitalize()} end", *head[1:]],
        rows,
    )


def _today_line(x: float, period: str, plot: Plot) -> list[str]:
    """A dotted upright line at today, named on the side with room, and said to be the period so far where it fits."""
    label = f"Today ({period} so far)" if x - LEFT > 140 else "Today"
    anchor, at = ("end", x - 4) if x - LEFT > len(label) * FONT_SIZE * CHARACTER_WIDTH else ("start", x + 4)
    return [
        f'<line class="tracker-chart-today" x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{plot.bottom}" '
        f'stroke="{COLOURS["grey"]}" stroke-width="1.5" stroke-dasharray="2 3"/>',
        _text(at, TOP + 12, label, anchor, fill=COLOURS["grey"], halo=True),
    ]


def _month_end(day: date) -> date:
    return _month_ends(day, day)[-1]


def charts_for(readiness, bands: Bands) -> dict[str, list[Chart] | Chart]:
    return {
        "key_questions": key_question_charts(readiness, bands),
        "status": status_by_addressee_chart(readiness),
        "actions": actions_over_time_chart(readiness),
    }
