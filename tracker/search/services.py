"""One search across recommendations, actions, progress updates and evidence titles, scoped to what the person may
see. PostgreSQL matches with its full-text search (English stemming, `websearch_to_tsquery`, ranked); SQLite, the
embedded default, matches every word as a substring with LIKE, so no virtual tables or triggers are needed there.
Highlighting is done here, on escaped text, so nothing a user typed can reach the page as markup."""

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import aliased

from tracker.actions.models import Action, ProgressUpdate
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.inspections.lists import visibility_condition
from tracker.inspections.models import Inspection
from tracker.organisations.models import Organisation, display_name_of
from tracker.recommendations.models import Recommendation, addressee_label

#: results shown for each kind; more are counted as "more than"
PER_KIND = 25
MAX_WORDS = 10
MAX_QUERY = 200
SNIPPET = 240


@dataclass
class Hit:
    id: int
    text: str
    recommendation_id: int
    recommendation_number: int
    pdu_name: str
    action_id: int | None = None
    #: who the recommendation is for: its PDU, or its region, HMPPS or another body (addressee_label)
    addressee: str = ""
    snippet: Markup = field(default_factory=Markup)


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]
    more: bool = False


@dataclass
class Results:
    query: str
    words: list[str]
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def words_of(query: str) -> list[str]:
    return [w for w in re.findall(r"\w+", query[:MAX_QUERY].lower()) if len(w) > 1][:MAX_WORDS]


def _like_condition(column, words: list[str]):
    def pattern(word: str) -> str:
        return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    return and_(*[func.lower(column).like(pattern(word), escape="\\") for word in words])


def _condition(column, query: str, words: list[str]):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_tsvector(literal_column("'english'"), column).op("@@")(
            func.websearch_to_tsquery(literal_column("'english'"), query)
        )
    return _like_condition(column, words)


def _order(column, query: str):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.ts_rank(
            func.to_tsvector(literal_column("'english'"), column),
            func.websearch_to_tsquery(literal_column("'english'"), query),
        ).desc()
    return None


#: (key, label, the text column, the extra columns naming the action)
KINDS = (
    ("recommendations", "Recommendations", Recommendation.text, None),
    ("actions", "Actions", Action.description, Action.id),
    ("updates", "Progress updates", ProgressUpdate.narrative, Action.id),
    ("evidence", "Evidence", Evidence.title, Evidence.action_id),
)


def _base(key: str, text_column, action_column):
    pdu, owner = aliased(Organisation), aliased(Organisation)
    ident = {
        "recommendations": Recommendation.id,
        "actions": Action.id,
        "updates": ProgressUpdate.id,
        "evidence": Evidence.id,
    }[key]
    columns = [
        ident,
        text_column,
        Recommendation.id,
        Recommendation.number,
        pdu.name,
        action_column if action_column is not None else literal_column("NULL"),
        Recommendation.addressee_kind,
        Recommendation.addressee_name,
        owner.name,
        owner.kind,
    ]
    query = select(*columns)
    if key == "actions":
        query = query.select_from(Action).join(Recommendation, Action.recommendation_id == Recommendation.id)
    elif key == "updates":
        query = (
            query.select_from(ProgressUpdate)
            .join(Action, ProgressUpdate.action_id == Action.id)
            .join(Recommendation, Action.recommendation_id == Recommendation.id)
        )
    elif key == "evidence":
        query = query.select_from(Evidence).join(Recommendation, Evidence.recommendation_id == Recommendation.id)
    else:
        query = query.select_from(Recommendation)
    return (
        query.join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(pdu, Inspection.pdu_id == pdu.id)
        .join(owner, Recommendation.owner_org_id == owner.id)
    ), ident


def search(user, query: str) -> Results:
    """Everything the user may see that matches the query, grouped by kind: one query per kind."""
    # a NUL (or other control character) is never part of a word, and PostgreSQL refuses it in any text parameter
    query = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", query or "").strip()[:MAX_QUERY]
    words = words_of(query)
    if not words:
        return Results(query, [], [])
    groups = []
    for key, label, text_column, action_column in KINDS:
        base, ident = _base(key, text_column, action_column)
        order = [o for o in (_order(text_column, query),) if o is not None] + [ident.desc()]
        rows = db.session.execute(
            base.where(visibility_condition(user), _condition(text_column, query, words))
            .order_by(*order)
            .limit(PER_KIND + 1)
        ).all()
        hits = [_hit(*row) for row in rows[:PER_KIND]]
        for hit in hits:
            hit.snippet = highlight(hit.text, words)
        groups.append(Group(key, label, hits, more=len(rows) > PER_KIND))
    return Results(query, words, groups)


def _hit(
    ident, text, recommendation_id, number, pdu_name, action_id, kind, addressee_name, owner_name, owner_kind
) -> Hit:
    addressee = addressee_label(kind, addressee_name, display_name_of(owner_name, owner_kind), f"{pdu_name} PDU")
    return Hit(ident, text, recommendation_id, number, pdu_name, action_id, addressee)


def _stem(word: str) -> str:
    """A rough stem, so that "audits" also marks "audit" (PostgreSQL's own stemming finds those rows)."""
    for ending in ("ing", "es", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def highlight(text: str, words: list[str]) -> Markup:
    """The text (shortened around the first match) escaped, with each matched word in <mark>."""
    if not words:
        return escape(text)
    pattern = re.compile(
        "|".join(re.escape(_stem(w)) + r"\w*" for w in sorted(words, key=len, reverse=True)), re.IGNORECASE
    )
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET // 3)
    end = min(len(text), start + SNIPPET)
    excerpt = text[start:end]
    pieces, position = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[position : match.start()]))
        pieces.append(Markup("<mark>{}</mark>").format(match.group(0)))
        position = match.end()
    pieces.append(escape(excerpt[position:]))
    body = Markup("").join(pieces)
    return (Markup("…") if start else Markup("")) + body + (Markup("…") if end < len(text) else Markup(""))
