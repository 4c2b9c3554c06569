"""Whole daily pages built once per data version and viewer: a repeat view reads nothing but the signed-in user and
draws nothing either. The main content (with the title and back link) is cached per page and viewer, and the page
around it (header, navigation for this address, footer) once more with it, so that a repeat view only fills in
what belongs to the request alone.

A CSRF token belongs to one session and is dated, and a CSP nonce to one response, so the cached HTML holds a
placeholder for each and every view fills in its own. A view with a message to show once (a flash) draws its
frame afresh, as it is not the page anyone sees twice."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import g, render_template, request, session
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
    #: the page uses the whole width of the screen (lists and plans with many columns)
    wide: bool = False


#: stands for this session's CSRF token in cached content
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
#: stands for this response's CSP nonce in a cached whole page
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"


def main_content(template: str, **context) -> Markup:
    """A page's main content rendered on its own, with this session's CSRF token (if a form used it) swapped for
    the placeholder."""
    html = render_template(template, **context)
    html = html.replace(generate_csrf(), CSRF_PLACEHOLDER)
    return Markup(html)  # noqa: S704  # nosec B704 (our own autoescaped template's output)


def render_cached_page(key: tuple, build: Callable[[], CachedPage]) -> str:
    """The page for `key` as this viewer sees it, built by `build()` only after a change or on a new day."""
    key = (*key, *viewer_key())
    page = cached(key, build, lambda page: page.valid_until is None or utcnow() < page.valid_until)
    return render_whole(key, lambda: _draw(page), lambda whole: whole[0] is page, part=page)


def render_whole(
    key: tuple, draw: Callable[[], str], still_good: Callable[[tuple], bool] | None = None, part: object = None
) -> str:
    """The page `draw()` draws, kept whole per key and address until the data changes (and while `still_good`
    says so of the (part, html) pair kept). The key must name the viewer: the frame shows who is signed in. A
    view with a message to show once draws it afresh."""
    if session.get("_flashes"):
        return _for_this_request(draw())
    # the frame marks the navigation item for this address as the current one
    _, html = cached((*key, "whole", request.path), lambda: (part, _with_placeholders(draw())), still_good)
    return _for_this_request(html)


def _draw(page: CachedPage) -> str:
    return render_template("cached-page.html", page=page, main=page.main)


def _with_placeholders(html: str) -> str:
    """The drawn page with this request's CSRF token and nonce replaced by placeholders, to keep."""
    return html.replace(generate_csrf(), CSRF_PLACEHOLDER).replace(g.csp_nonce, NONCE_PLACEHOLDER)


def _for_this_request(html: str) -> str:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, generate_csrf())
    return html.replace(NONCE_PLACEHOLDER, g.csp_nonce)
