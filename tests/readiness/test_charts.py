"""The readiness charts as a person reads them: time to scale, lines named at their ends with the key question's
short name, the bands' names clear of every line and point, and the month not yet over marked as so far."""

import re
from datetime import date

from tests.conftest import DEMO_TODAY, HEAD, long_date, soup_of, text_of
from tests.readiness.conftest import AUDIT_COUNTS, AUDIT_SAMPLES, round_form
from tracker.readiness.charts import short_names

#: how wide a character of the charts' font may be, as a fraction of its size (GDS Transport's widest run ~0.6)
CHARACTER = 0.6


def post_round(client, inspection, day: date) -> None:
    response = client.post(
        f"/inspections/{inspection.id}/audit-rounds/new",
        data=round_form(
            inspection,
            held_on=(str(day.day), str(day.month), str(day.year)),
            counts=AUDIT_COUNTS,
            samples=AUDIT_SAMPLES,
        ),
    )
    assert response.status_code == 302


def readiness(client, inspection):
    return soup_of(client.get(f"/inspections/{inspection.id}/readiness"))


def points_of(line) -> list[tuple[float, float]]:
    polyline = line.select_one("polyline")
    return [tuple(map(float, pair.split(","))) for pair in polyline["points"].split()]


def row_dates(page, table_id: str) -> list[date]:
    """The date in each row heading of a chart's table: "Audit 1 (12 November 2026)"."""
    found = []
    for th in page.select(f"#{table_id} tbody th"):
        day, month, year = re.search(r"(\d{1,2}) (\w+) (\d{4})", text_of(th)).groups()
        found.append(date(int(year), list(MONTHS).index(month) + 1, int(day)))
    return found


MONTHS = dict.fromkeys(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


def test_key_question_points_are_as_far_apart_as_the_time_between_them(as_user, inspection):
    client = as_user(HEAD)
    post_round(client, inspection, date(2026, 11, 2))
    post_round(client, inspection, date(2026, 11, 12))
    page = readiness(client, inspection)
    days = row_dates(page, "chart-kq-2-2-table")
    assert [text_of(th).split(" (")[0] for th in page.select("#chart-kq-2-2-table tbody th")] == [
        "Inspection",
        "Audit 1",
        "Audit 2",
    ]
    for line in page.select("#chart-kq-2-2 svg g.tracker-chart-line"):
        xs = [x for x, _ in points_of(line)]
        assert len(xs) == 3
        # four years to the first audit, ten days to the second: drawn in that proportion, not one step each
        span = (days[2] - days[0]).days
        for x, day in zip(xs, days, strict=True):
            assert abs((x - xs[0]) / (xs[-1] - xs[0]) - (day - days[0]).days / span) < 0.01
        assert xs[2] - xs[1] < (xs[1] - xs[0]) / 50
    axis = [text_of(t) for t in page.select("#chart-kq-2-2 svg text[text-anchor=middle]")]
    assert axis and all(re.fullmatch(r"20\d\d", label) for label in axis), axis


def test_each_line_is_named_at_its_end_by_its_key_question(as_user, inspection):
    client = as_user(HEAD)
    post_round(client, inspection, date(2026, 11, 12))
    page = readiness(client, inspection)
    chart = page.select_one("#chart-kq-2-2")
    labels = {text_of(t): float(t["y"]) for t in chart.select("svg text.tracker-chart-line-label")}
    assert set(labels) == {"Engagement", "Desistance", "Safety"}
    assert not [t for t in chart.select("svg text") if "Question" in text_of(t)]
    for line in chart.select("svg g.tracker-chart-line"):
        _, last_y = points_of(line)[-1]
        # the name sits level with the line's end (moved at most a line's height to keep clear of its neighbours)
        assert abs(labels[line["data-name"]] - 5 - last_y) <= 32, line["data-name"]
    head = [text_of(th) for th in chart.select("table thead th")]
    assert head == ["When", "Engagement", "Desistance", "Safety"]
    key = [text_of(li) for li in chart.select("#chart-kq-2-2-key li")]
    assert key[0] == "Engagement: Does assessment focus sufficiently on engaging the person on probation?"
    assert key[2].startswith("Safety: ") and key[2].endswith("keeping other people safe?")


def text_box(text) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a <text>, however many lines (<tspan>s) it has."""
    size = float(text.get("font-size", 14))
    lines = [text_of(span) for span in text.select("tspan")] or [text_of(text)]
    left, baseline = float(text["x"]), float(text["y"])
    width = max(len(line) for line in lines) * size * CHARACTER
    return left, baseline - size * 0.8, left + width, baseline + size * 0.25 + (size + 1) * (len(lines) - 1)


def crosses(box, start, end) -> bool:
    left, top, right, bottom = box
    (x1, y1), (x2, y2) = start, end
    steps = int(max(abs(x2 - x1), abs(y2 - y1)) * 4) + 1
    return any(
        left <= x1 + (x2 - x1) * i / steps <= right and top <= y1 + (y2 - y1) * i / steps <= bottom
        for i in range(steps + 1)
    )


def test_band_names_are_clear_of_every_line_and_point(as_user, inspection):
    client = as_user(HEAD)
    post_round(client, inspection, date(2026, 11, 12))
    page = readiness(client, inspection)
    charts = page.select("svg[aria-labelledby^=chart-kq-]")
    assert len(charts) == 4
    for svg in charts:
        names = [" ".join(text_of(s) for s in t.select("tspan")) for t in svg.select("text.tracker-chart-band")]
        assert names == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
        lines = [points_of(line) for line in svg.select("g.tracker-chart-line")]
        for text in svg.select("text.tracker-chart-band"):
            box = text_box(text)
            left, top, right, bottom = box
            for points in lines:
                for x, y in points:
                    # a marker is drawn about 5 units either side of its point
                    assert not (left - 5 <= x <= right + 5 and top - 5 <= y <= bottom + 5), (text_of(text), x, y)
                for start, end in zip(points, points[1:], strict=False):
                    assert not crosses(box, start, end), (text_of(text), start, end)
        # the percentages the bands start at label the axis, so the names need not carry them
        axis = [text_of(t) for t in svg.select("text[text-anchor=end]")]
        assert {"50%", "65%", "80%"} <= set(axis)


def test_the_month_not_yet_over_is_marked_so_far(as_user, inspection):
    page = readiness(as_user(HEAD), inspection)
    chart = page.select_one("#chart-actions-over-time")
    rows = [[text_of(c) for c in tr.select("th, td")] for tr in chart.select("table tbody tr")]
    today = [row for row in rows if row[0].startswith(long_date(DEMO_TODAY))]
    assert len(today) == 1 and today[0][0] == f"{long_date(DEMO_TODAY)} (today, so far this month)"
    assert today[0][3] != "Not yet"
    # the end of this month is still to come: nothing is counted as completed by then
    later = rows[rows.index(today[0]) + 1 :]
    assert later and all(row[3] == "Not yet" for row in later)
    assert "so far this month" in chart.select_one("svg desc").get_text()
    completed = chart.select("svg g.tracker-chart-line")[-1]
    assert completed["data-name"] == "Completed (to today)"
    today_x = float(chart.select_one("svg line.tracker-chart-today")["x1"])
    assert abs(points_of(completed)[-1][0] - today_x) < 0.2
    assert text_of(chart.select_one("svg text[fill='#505a5f']")).startswith("Today")


def test_short_names_come_from_the_questions_wording():
    assert short_names(
        [
            "Is the sentence or post-custody period implemented effectively with a focus on engaging the person on "
            "probation?",
            "Does the implementation and delivery of services effectively support desistance?",
            "Does the implementation and delivery of services effectively support the safety of other people?",
        ]
    ) == ["Engagement", "Desistance", "Safety"]
    assert short_names(["Does reviewing focus on keeping other people safe?", "Is it timely?"]) == [
        "Safety",
        "Question 2",
    ]
    # two questions that would share a name are told apart by their place instead
    assert short_names(["Is desistance supported?", "Are offending needs met?"]) == ["Question 1", "Question 2"]
