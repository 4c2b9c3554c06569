"""No page or email names a thing by the database's number for it ("action 6"), labels anything "id", or runs one
colon-ended phrase on after another ("Action plan: An inspection of probation services in: Barking…").

Every page each demo role can reach is crawled, on the demo with the living region loaded as well, so that the
database's numbers for recommendations run past the reports' own numbering (1 to 13) and one standing in for the
other shows; then the messages the reminder jobs queue over two weeks, and the action plan export, are read."""

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import ADMIN, DEMO_TODAY, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, database_urls, demo_app, sign_in_as
from tests.security.helpers import crawl
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.mail.models import OutboxMessage
from tracker.notifications import services as notifications
from tracker.recommendations.models import Recommendation


@pytest.fixture(scope="session", params=[name for name, _ in database_urls()])
def app(request, tmp_path_factory) -> Iterator[Flask]:
    """The demo with the living region: more recommendations than any report numbers."""
    yield from demo_app(request, tmp_path_factory, DEMO_TODAY, suffix="words", region=True)


#: a thing and a number after it: "action 6", "Recommendation 12", "evidence #3", "user no. 4"
NUMBERED = re.compile(
    r"\b(actions?|recommendations?|evidence|updates?|inspections?|users?|drafts?|rounds?)\s+(?:no\.\s*|number\s+|#)?"
    r"(\d+)\b",
    re.IGNORECASE,
)
#: "id" as a word of its own, as in "Action id" or "ID: 6"
ID_WORD = re.compile(r"\bid\b", re.IGNORECASE)
#: two colons with nothing but spaces between
DOUBLED = re.compile(r":\s*:")
#: a phrase ending in a colon run on after another: "Action plan: An inspection of probation services in: Barking"
CHAINED = re.compile(r"\w:\s+[^:.;!?()\n]*?\w:(?:\s|$)")


def problems_in(text: str, where: str, highest_number: int) -> list[str]:
    """What is wrong with one piece of text a person reads."""
    found = []
    for match in NUMBERED.finditer(text):
        thing, number = match.group(1).lower(), int(match.group(2))
        # recommendations are numbered in their report; anything else numbered is the database's number for it
        if not thing.startswith("recommendation") or number > highest_number:
            found.append(f"{where}: {match.group(0)!r} in {text.strip()[:160]!r}")
    found += [f"{where}: 'id' in {text.strip()[:160]!r}" for _ in ID_WORD.finditer(text)]
    found += [f"{where}: doubled colon in {text.strip()[:160]!r}" for _ in DOUBLED.finditer(text)]
    found += [f"{where}: colon after colon in {text.strip()[:160]!r}" for _ in CHAINED.finditer(text)]
    return found


def texts_of(html: str) -> list[str]:
    """Each piece of text on a page as a person meets it (scripts aside), and the page's title."""
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    texts = [str(node) for node in soup.find_all(string=True) if str(node).strip()]
    # visible labels too: the words a screen reader announces for a link or a region
    texts += [tag["aria-label"] for tag in soup.select("[aria-label]")]
    return texts


def highest_recommendation_number() -> int:
    return db.session.scalar(select(func.max(Recommendation.number)))


def test_the_check_finds_what_it_is_for():
    assert problems_in("Added evidence 'Audit sheet' to action 6", "page", 13)
    assert problems_in("Action plan: An inspection of probation services in: Barking", "page", 13)
    assert problems_in("Owner:: London", "page", 13)
    assert problems_in("Action id", "page", 13)
    assert problems_in("Recommendation 41, Croydon PDU", "page", 13)
    assert not problems_in("Recommendation 12, HM Prison and Probation Service (Barking PDU inspection)", "page", 13)
    assert not problems_in("Readiness for re-inspection: Barking, Dagenham and Havering PDU", "page", 13)
    assert not problems_in("Audit 1 (12 November 2026)", "page", 13)


@pytest.mark.parametrize("email", [ADMIN, HMPPS, DIRECTOR, HEAD, OWNER, VIEWER])
def test_no_page_names_a_thing_by_its_number_or_runs_colons_together(app, client, email):
    assert db.session.scalar(select(func.max(Recommendation.id))) > highest_recommendation_number()
    highest = highest_recommendation_number()
    sign_in_as(client, email)
    found, visited = [], 0
    for url, response in crawl(client, limit=150):
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        visited += 1
        for text in texts_of(response.get_data(as_text=True)):
            found += problems_in(text, url, highest)
    assert visited >= 10
    assert found == [], "\n".join(sorted(set(found)))


def test_no_email_or_export_does_either(app, client):
    highest = highest_recommendation_number()
    for day in (DEMO_TODAY + timedelta(days=n) for n in range(14)):
        notifications.queue_reminders(day)
    barking = db.session.scalar(select(Inspection).order_by(Inspection.id))
    for milestone in (90, 60, 30, 14):
        notifications.queue_reminders(barking.reinspection_on - timedelta(days=milestone))
    messages = list(db.session.scalars(select(OutboxMessage)))
    assert len(messages) > 10
    found = []
    for message in messages:
        where = f"{message.kind} to {message.to_address}"
        found += problems_in(message.subject, where, highest)
        found += [p for line in message.body_text.splitlines() for p in problems_in(line, where, highest)]
        found += [p for text in texts_of(message.body_html) for p in problems_in(text, where, highest)]

    sign_in_as(client, HEAD)
    workbook = load_workbook(io.BytesIO(client.get(f"/inspections/{barking.id}/action-plan.xlsx").data))
    title = workbook.active["A1"].value
    assert title.startswith("Action plan: Barking, Dagenham and Havering PDU")
    found += problems_in(title, "the action plan export", highest)
    assert found == [], "\n".join(sorted(set(found)))
