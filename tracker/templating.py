"""Template set-up: GOV.UK Frontend macros, WTForms widgets, and the filters every page uses."""

import json
from collections import ChainMap
from datetime import date, datetime
from itertools import chain
from zoneinfo import ZoneInfo

from flask import Flask, url_for
from flask.sansio.app import App
from flask.templating import Environment
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup

from tracker.caching.services import fragments
from tracker.upload_limits import limit_text


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return "Not set"
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo("Europe/London")).date()
    return f"{value.day} {value:%B %Y}"


def format_month(value: date | None) -> str:
    """Reports give their publication month, not a day."""
    return f"{value:%B %Y}" if value else "Not set"


def format_stated_date(value: date | None, is_month_only: bool) -> str:
    """A date as precisely as its source gave it: "August 2022" when only the month is known."""
    return format_month(value) if is_month_only else format_date(value)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo("Europe/London"))
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


class TemplateGlobals(ChainMap):
    """A template's globals: the environment's, overlaid as Jinja does, with a key view that is a real set.

    Jinja compares the importing template's global names with the imported one's on every `{% from ... import %}`,
    and a page imports about ten macro files; with ChainMap's generic key view that comparison was a quarter of the
    time it took to render a page's frame."""

    def keys(self):
        return dict.fromkeys(chain.from_iterable(reversed(self.maps))).keys()


class TrackerEnvironment(Environment):
    def make_globals(self, d):
        return TemplateGlobals({} if d is None else d, self.globals)


def remember(*key, caller) -> Markup:
    """`{% call remember(name, inputs...) %}...{% endcall %}`: render the body once for these inputs and reuse it.

    For the parts of the page frame that depend only on what the key names (the header for a given menu and
    sign-out form, the footer): GOV.UK Frontend's macros are the costliest part of a small page to render."""
    return fragments().get_or_build(("frame", json.dumps(key, sort_keys=True, default=str)), lambda: Markup(caller()))  # noqa: S704  # nosec B704 (our own templates' output)


def pluralise(count: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun: "0 actions", "1 action", "2 actions" (`plural` where adding "s" is wrong)."""
    return f"{count} {one_or_many(count, singular, plural or singular + 's')}"


def one_or_many(count: int, one: str, many: str) -> str:
    """The words that agree with a count, for everything after its noun: `{{ n | one_or_many("is", "are") }}`.

    Every count phrase a page or email shows is written with these two, never with a test of its own."""
    return one if count == 1 else many


def init_app(app: Flask, audiences: dict) -> None:
    """`audiences`: who sees each item of NAVIGATION, as a test of the user for each audience its entries name
    (the rules are tracker.auth.permissions', which the app factory hands over)."""
    app.extensions["tracker_navigation_audiences"] = audiences
    assert app.template_folder is not None  # the app factory names the templates folder
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["stated_date"] = format_stated_date
    app.jinja_env.globals["pluralise"] = pluralise
    app.jinja_env.filters["one_or_many"] = one_or_many
    app.jinja_env.globals["has_endpoint"] = lambda endpoint: endpoint in app.view_functions
    app.jinja_env.globals["remember"] = remember
    # the largest file a form takes, as its error message writes it ("10MB")
    app.jinja_env.globals["upload_limit"] = limit_text
    WTFormsHelpers(app)

    @app.context_processor
    def service_context():
        return {
            "service_name": app.config.get("APP_SERVICE_NAME", "tracker"),
            "navigation_items": lambda: navigation_items_for(app, current_user),
        }


#: (text, endpoint, who sees it); features register their pages here, shown only when the endpoint exists
NAVIGATION = (
    ("Home", "pages.home", "any"),
    ("Inspections", "inspections.list_inspections", "any"),
    ("Actions", "actions.list_actions", "any"),
    ("Dashboard", "readiness.dashboard", "any"),
    ("Action plan", "readiness.show_plan", "any"),
    ("Search", "search.search", "any"),
    ("Review queue", "assurance.review_queue", "reviewer"),
    ("Administration", "admin.index", "admin"),
    ("Your account", "auth.show_account", "any"),
)


def add_home_panel(app: App, template: str) -> None:
    """A template a feature adds to the home page (e.g. what awaits my review); it reads `current_user`. Features
    add theirs as their blueprint is registered (a blueprint's setup state gives the app as the sans-IO `App`)."""
    panels = app.extensions.setdefault("tracker_home_panels", [])
    if template not in panels:
        panels.append(template)


def home_panels_of(app: Flask) -> list[str]:
    return list(app.extensions.get("tracker_home_panels", []))


def navigation_items_for(app: Flask, user) -> list[dict]:
    audiences = app.extensions["tracker_navigation_audiences"]
    return [
        {"text": text, "href": url_for(endpoint)}
        for text, endpoint, audience in NAVIGATION
        if endpoint in app.view_functions and audiences[audience](user)
    ]
