"""Search: across recommendations, actions, progress updates and evidence titles; grouped by kind; matched words
highlighted on escaped text; scoped so that a head of PDU never finds another PDU's text."""

from sqlalchemy import select

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, HMPPS, OWNER, soup_of, text_of
from tracker.actions.models import Action, ProgressUpdate
from tracker.auth.services import find_user
from tracker.demo.national import load_national
from tracker.evidence.models import LINK, Evidence
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.services import find_pdu
from tracker.recommendations.models import Recommendation
from tracker.search.services import highlight, search


def hits(page, kind: str) -> list[str]:
    return [text_of(li) for li in page.select(f'ul[data-kind="{kind}"] li')]


def plant(rec: Recommendation, word: str) -> None:
    """The same made-up word in a recommendation, an action, a progress update and an evidence title."""
    rec.text = f"{rec.text} {word}"
    action = rec.actions[0]
    action.description = f"{action.description} {word}"
    db.session.add(ProgressUpdate(action_id=action.id, narrative=f"Weekly {word} check done"))
    db.session.add(
        Evidence(
            recommendation_id=rec.id,
            action_id=action.id,
            kind=LINK,
            title=f"{word.capitalize()} minutes",
            url="https://example.org/x",
        )
    )
    db.session.commit()


def barking_rec(number: int = 1) -> Recommendation:
    barking = find_pdu("Barking, Dagenham and Havering")
    return db.session.scalar(
        select(Recommendation)
        .join(Inspection)
        .where(Inspection.pdu_id == barking.id, Recommendation.number == number)
        .order_by(Recommendation.id)
    )


def test_search_finds_every_kind_grouped_with_the_word_highlighted(app, as_user):
    plant(barking_rec(), "zephyrine")
    page = soup_of(as_user(HEAD).get("/search?q=Zephyrine"))
    assert text_of(page.h1) == "Search"
    assert [text_of(h2).split(" (")[0] for h2 in page.select("main h2")] == [
        "Recommendations",
        "Actions",
        "Progress updates",
        "Evidence",
    ]
    for kind in ("recommendations", "actions", "updates", "evidence"):
        assert len(hits(page, kind)) == 1, kind
    marks = [text_of(m).lower() for m in page.select("ul[data-kind] mark")]
    assert marks and set(marks) == {"zephyrine"}
    assert page.select_one('ul[data-kind="updates"] a')["href"].startswith("/actions/")
    assert page.select_one("#search-page-q")["value"] == "Zephyrine"


def test_a_head_of_pdu_never_finds_another_pdus_text(app, as_user):
    load_national(DEMO_TODAY, pdus_per_region=2, inspections_per_pdu=1, updates_per_action=1)
    barking = find_pdu("Barking, Dagenham and Havering")
    other = db.session.scalar(
        select(Recommendation).join(Inspection).where(Inspection.pdu_id != barking.id).order_by(Recommendation.id)
    )
    plant(other, "quixotical")
    head = find_user(HEAD)
    assert search(head, "quixotical").total == 0
    page = soup_of(as_user(HEAD).get("/search?q=quixotical"))
    assert text_of(page.select_one("#search-summary")).startswith("0 results")
    assert not page.select("ul[data-kind] li")
    assert search(find_user(HMPPS), "quixotical").total == 4
    director_sees = other.inspection.pdu.parent.name == "London"
    assert (search(find_user(DIRECTOR), "quixotical").total == 4) == director_sees
    plant(barking_rec(2), "quixotical")
    assert search(head, "quixotical").total == 4
    assert search(find_user(OWNER), "quixotical").total == 4


def test_search_text_is_escaped_and_odd_input_is_harmless(app, as_user):
    rec = barking_rec()
    rec.actions[0].description = "Check <script>alert('x')</script> zanzibarite 100% _done_"
    db.session.commit()
    client = as_user(HEAD)
    response = client.get("/search?q=zanzibarite")
    assert b"<script>alert" not in response.data
    assert "&lt;script&gt;" in response.get_data(as_text=True)
    for query in ("100%", "_", "' OR 1=1 --", "a", "", "%%%", "x" * 500, "<b>zanzibarite</b>"):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200, query
        assert b"<b>zanzibarite" not in response.data
    assert search(find_user(HEAD), "100%").total == 0 or all(
        "100" in hit.text for group in search(find_user(HEAD), "100%").groups for hit in group.hits
    )


def test_highlight_escapes_then_marks_and_stems_roughly():
    marked = highlight("Audits of <b>risk</b> & audit trails", ["audits"])
    assert str(marked) == "<mark>Audits</mark> of &lt;b&gt;risk&lt;/b&gt; &amp; <mark>audit</mark> trails"
    long = "word " * 100 + "needle " + "word " * 100
    shortened = str(highlight(long, ["needle"]))
    assert "<mark>needle</mark>" in shortened and shortened.startswith("…") and shortened.endswith("…")


def test_every_result_links_to_a_page_the_searcher_can_open(app, as_user):
    client = as_user(OWNER)
    word = db.session.scalar(select(Action.description).order_by(Action.id)).split()[0]
    page = soup_of(client.get(f"/search?q={word}"))
    links = page.select("ul[data-kind] a")
    assert links
    for link in links[:10]:
        assert client.get(link["href"]).status_code == 200
