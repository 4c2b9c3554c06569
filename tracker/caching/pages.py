"""Whole daily pages built once per data version and viewer: the frame is drawn per request, the main content
(and the title and back link) come from the fragment cache, so a repeat view reads nothing but the signed-in user.

A CSRF token belongs to one session and is dated, so the cached content holds a placeholder in its place and each
view fills in its own."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from tracker.caching.services import cached, viewer_key
from tracker.db_types import utcnow


@dataclass(frozen=True)
class CachedPage:
    title: str
    main: Markup
    back_href: str | None = None
    back_text: str | None = None
    #: the page shows a form's errors, so its title starts "Error:"
    has_errors: bool = False
    #: when something on the page lapses with time alone (an update's correction window), not with the data
    valid_until: datetime | None = None


#: stands for this session's CSRF token in cached content
CSRF_PLACEHOLDER = "\x00csrf-token\x00"


def main_content(template: str, **context) -> Markup:
    """A page's main content rendered on its own, with this session's CSRF token (if a form used it) swapped for
    the placeholder."""
    html = render_template(template, **context)
    html = html.replace(generate_csrf(), CSRF_PLACEHOLDER)
    return Markup(html)  # noqa: S704  # nosec B704 (our own autoescaped template's output)


def render_cached_page(key: tuple, build: Callable[[], CachedPage]) -> str:
    """The page for `key` as this viewer sees it, built by `build()` only after a change or on a new day."""
    page = cached((*key, *viewer_key()), build, lambda page: page.valid_until is None or utcnow() < page.valid_until)
    main = page.main
    if CSRF_PLACEHOLDER in main:
        main = Markup(str(main).replace(CSRF_PLACEHOLDER, generate_csrf()))  # noqa: S704  # nosec B704 (as built)
    return render_template("cached-page.html", page=page, main=main)
