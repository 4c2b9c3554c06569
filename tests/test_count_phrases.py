"""Count phrases read right at 0, 1 and 2. A template writes a number beside its noun with `pluralise`, and the words
that agree with the number with the `one_or_many` filter, never with a test of its own (so "All 1 action are"
cannot be written); the pages and emails built from them say "1 action is" and "2 actions are"."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.assurance.conftest import form_data, rec
from tests.conftest import DIRECTOR, HEAD, soup_of, text_of
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.mail.content import render_parts
from tracker.recommendations.models import SUBMITTED, Recommendation, Submission
from tracker.templating import one_or_many, pluralise

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: a number printed straight before a plural noun, outside `pluralise`
NUMBER_BEFORE_NOUN = re.compile(
    r"\{\{((?:(?!\}\}).)*)\}\}\s+(?:[a-z]+\s+)?(actions|items|recommendations|minutes|hours|days|weeks|pages|"
    r"decisions|emails|cases|standards|PDUs|regions|changes|codes|results|attempts)\b"
)
#: a word chosen by testing a count inline: `"item" if n == 1 else "items"`, `"s" if n != 1`
CHOSEN_INLINE = re.compile(r"(?:==|!=)\s*1\s*(?:else\b|\)|\}\})|[\"']s[\"'] if|\(\"\" if")
#: (singular, plural) of the nouns the pages count
NOUNS = [
    ("action", "actions"),
    ("evidence item", "evidence items"),
    ("remaining item", "remaining items"),
    ("recommendation", "recommendations"),
    ("decision", "decisions"),
    ("email", "emails"),
    ("minute", "minutes"),
    ("hour", "hours"),
    ("day", "days"),
    ("page", "pages"),
]


def grammar_errors(text: str) -> list[str]:
    """What reads wrong in the text: "1 actions", "2 action", "1 action are", "2 actions is", "All 1"."""
    errors = []
    for singular, plural in NOUNS:
        errors += re.findall(rf"\b1 {plural}\b", text)
        errors += re.findall(rf"\b(?:0|[2-9]|[1-9]\d+) {singular}\b(?!s)", text)
    errors += re.findall(r"\b1 (?:[a-z]+ ){1,2}(?:are|were|have|wait|need)\b", text)
    errors += re.findall(r"\b(?:0|[2-9]|[1-9]\d+) [a-z ]+?s (?:is|was|has|waits|needs)\b", text)
    errors += re.findall(r"\bAll [01] \w+", text)
    return errors


@pytest.mark.parametrize("count", [0, 1, 2])
def test_the_helpers_agree_with_their_count(count):
    phrase = f"{pluralise(count, 'action')} {one_or_many(count, 'is', 'are')} complete"
    assert phrase == {0: "0 actions are complete", 1: "1 action is complete", 2: "2 actions are complete"}[count]
    assert pluralise(count, "evidence item") == f"{count} evidence item" + ("" if count == 1 else "s")
    assert grammar_errors(phrase) == []


def test_the_grammar_check_finds_what_reads_wrong():
    assert sorted(grammar_errors("All 1 action are complete, with 2 evidence item and 1 decisions saved.")) == [
        "1 action are",
        "1 decisions",
        "2 evidence item",
        "All 1 action",
    ]


def test_no_template_writes_a_count_phrase_by_hand():
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            by_hand = [
                m.group(0)
                for m in NUMBER_BEFORE_NOUN.finditer(line)
                if "pluralise" not in m.group(1) and "one_or_many" not in m.group(1)
            ]
            by_hand += [m.group(0) for m in CHOSEN_INLINE.finditer(line)]
            found += [f"{name}:{number}: {phrase}" for phrase in by_hand]
    assert found == []


def awaiting(count: int) -> None:
    """`count` of Barking's recommendations waiting for the director's review."""
    recommendations = db.session.scalars(
        select(Recommendation).where(Recommendation.owner_org_id == rec(7).owner_org_id).order_by(Recommendation.number)
    ).all()
    head = find_user(HEAD)
    for recommendation in recommendations[:count]:
        recommendation.submissions.append(Submission(submitted_by_id=head.id, state=SUBMITTED))
    db.session.commit()


@pytest.mark.parametrize("count", [0, 1, 2])
def test_the_review_queue_counts_what_awaits_review(app, as_user, count):
    awaiting(count)
    page = soup_of(as_user(DIRECTOR).get("/reviews"))
    if count == 0:
        assert text_of(page.select_one("#queue-empty")) == "Nothing is waiting for your review."
    else:
        caption = text_of(page.select_one("caption"))
        assert caption == {1: "1 recommendation", 2: "2 recommendations"}[count] + " awaiting your review"
    assert grammar_errors(text_of(page.select_one("main"))) == []


@pytest.mark.parametrize(
    ("email", "number", "expected"),
    [
        (DIRECTOR, 9, "1 action is complete, with 1 evidence item for the reviewer to check."),
        (HEAD, 7, "2 actions are complete, with 2 evidence items for the reviewer to check."),
    ],
)
def test_the_submit_page_counts_the_actions_and_evidence(app, as_user, email, number, expected):
    page = soup_of(as_user(email).get(f"/recommendations/{rec(number).id}/submit"))
    assert text_of(page.select_one("#submit-summary")) == expected
    assert grammar_errors(text_of(page.select_one("main"))) == []


def test_the_review_page_counts_what_accept_all_remaining_accepts(app, as_user):
    head = as_user(HEAD)
    page = head.get(f"/recommendations/{rec(7).id}/submit")
    assert head.post(f"/recommendations/{rec(7).id}/submit", data=form_data(page, "main form")).status_code == 302
    director = as_user(DIRECTOR)
    labels = []
    for item in rec(7).evidence:
        director.get(f"/evidence/{item.id}/open")
        page = soup_of(director.get(f"/recommendations/{rec(7).id}/review"))
        labels.append(text_of(page.select_one("button[name=accept_remaining]")))
        assert grammar_errors(text_of(page.select_one("main"))) == []
    assert labels == ["Accept the 1 remaining item you have opened", "Accept all 2 remaining items"]


@pytest.mark.parametrize("count", [0, 1, 2])
def test_the_undelivered_mail_alert_counts_its_emails(app, count):
    text, html = render_parts(
        "mail-alert", user=find_user(HEAD), failed=count, failures=[], subject="", outbox_url="http://tracker.test"
    )
    them = "it" if count == 1 else "them"
    assert f"will not be tried again unless you send {them} again." in text
    assert (
        grammar_errors(text) == [] and grammar_errors(" ".join(BeautifulSoup(html, "lxml").get_text(" ").split())) == []
    )


@pytest.mark.parametrize("minutes", [1, 2])
def test_the_password_email_counts_the_minutes_its_link_works(app, minutes):
    text, _ = render_parts(
        "set-password", user=find_user(HEAD), subject="", purpose="reset", link="x", hours=0, minutes=minutes
    )
    assert f"for {pluralise(minutes, 'minute')}." in text and grammar_errors(text) == []
