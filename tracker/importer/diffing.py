"""What an update from a re-imported report would change, shown word by word before anything is saved."""

from __future__ import annotations

import difflib

from tracker.importer.cleaning import squash
from tracker.inspections.models import Inspection

_TRAILING = " .;:,"
_INSPECTION_LABELS = (
    ("title", "Title"),
    ("fieldwork_on", "Fieldwork"),
    ("published_on", "Published"),
    ("overall_rating", "Overall rating"),
    ("score", "Score"),
    ("score_max", "Score out of"),
    ("outcomes_percentage", "Outcomes percentage"),
)


def word_diff(old: str, new: str) -> str:
    """The new text with removed words as [-…-] and added words as {+…+}, like `git diff --word-diff`."""
    old_words, new_words = old.split(), new.split()
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(" ".join(old_words[i1:i2]))
            continue
        if i2 > i1:
            parts.append(f"[-{' '.join(old_words[i1:i2])}-]")
        if j2 > j1:
            parts.append(f"{{+{' '.join(new_words[j1:j2])}+}}")
    return " ".join(parts)


def is_shorter_prefix(old: str, new: str) -> bool:
    """Whether the new text is the old one cut short: its beginning, up to a word boundary, and nothing else."""
    whole, start = squash(old), squash(new).rstrip(_TRAILING)
    if not start or len(squash(new)) >= len(whole) or not whole.startswith(start):
        return False
    following = whole[len(start) : len(start) + 1]
    return following in ("", " ") or following in _TRAILING


def planned_changes(inspection: Inspection, extraction) -> list[str]:
    """One line per change an update would make: figures as old → new, recommendation wording as a word diff."""
    lines = [
        f"{label}: {_shown(getattr(inspection, name))} → {_shown(new)}"
        for name, label in _INSPECTION_LABELS
        if (new := getattr(extraction, name)) is not None and new != getattr(inspection, name)
    ]
    lines += _standard_changes(inspection, extraction)
    by_number = {r.number: r for r in inspection.recommendations}
    for data in extraction.recommendations:
        saved = by_number.get(data.number)
        if saved is None:
            lines.append(f"Recommendation {data.number} (new): {{+{data.text}+}}")
        elif squash(saved.text) != squash(data.text):
            lines.append(f"Recommendation {data.number}: {word_diff(saved.text, data.text)}")
        if saved is not None and saved.addressee_name != data.addressee_name:
            lines.append(f"Recommendation {data.number} addressed to: {saved.addressee_name} → {data.addressee_name}")
    return lines


def _standard_changes(inspection: Inspection, extraction) -> list[str]:
    by_code = {s.code: s for s in inspection.standards}
    lines = []
    for data in extraction.standards:
        saved = by_code.get(data.code)
        if saved is None:
            lines.append(f"Standard {data.code} {data.name} (new): {data.rating}")
            continue
        if saved.rating != data.rating:
            lines.append(f"Standard {data.code} rating: {saved.rating} → {data.rating}")
        old = [q.percentage for q in saved.key_questions]
        new = [q.percentage for q in data.key_questions]
        if old != new:
            lines.append(f"Standard {data.code} key questions: {_percentages(old)} → {_percentages(new)}")
    return lines


def _percentages(values: list[int]) -> str:
    return ", ".join(f"{value}%" for value in values) or "none"


def _shown(value) -> str:
    return "not set" if value is None else str(value)
