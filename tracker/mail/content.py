"""What every email shares: the planned message, links to the app's pages, and rendering both parts."""

import re
from dataclasses import dataclass

from flask import current_app, render_template


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str


@dataclass(frozen=True)
class PlannedMessage:
    """An email a job has decided to send; the key makes queuing it a second time a no-op."""

    key: str
    kind: str
    recipient: Recipient
    subject: str
    body_text: str
    body_html: str
    #: the actions it mentions
    action_ids: tuple[int, ...] = ()
    #: the notification events it tells, marked as told in the transaction that queues it
    event_ids: tuple[int, ...] = ()
    #: the recommendations it mentions besides those of its actions and events
    recommendation_ids: tuple[int, ...] = ()


class Links:
    """Absolute links to the app's pages, from the public base URL, since emails are read outside the app."""

    def __init__(self, base_url: str | None = None):
        self.base = (base_url or current_app.config.get("APP_BASE_URL", "")).rstrip("/")

    def recommendation(self, recommendation_id: int) -> str:
        return f"{self.base}/recommendations/{recommendation_id}"

    def review(self, recommendation_id: int) -> str:
        return f"{self.base}/recommendations/{recommendation_id}/review"

    def action(self, action_id: int) -> str:
        return f"{self.base}/actions/{action_id}"

    def inspection(self, inspection_id: int) -> str:
        return f"{self.base}/inspections/{inspection_id}"

    def readiness(self, inspection_id: int) -> str:
        return f"{self.base}/inspections/{inspection_id}/readiness"

    def failed_outbox(self) -> str:
        return f"{self.base}/admin/outbox?status=failed"

    def settings(self) -> str:
        return f"{self.base}/account/notifications"

    def home(self) -> str:
        return f"{self.base}/"

    def your_actions(self) -> str:
        return f"{self.base}/actions?owner=me"

    def actions_you_lead(self) -> str:
        return f"{self.base}/actions?mine=recommendations"

    def overdue_actions(self) -> str:
        return f"{self.base}/actions?overdue=y"

    def reviews(self) -> str:
        return f"{self.base}/reviews"

    def dashboard(self) -> str:
        return f"{self.base}/dashboard"


#: a recommendation's words are cut to about this many characters, at a word boundary
WORDS_SHOWN = 140


def shorten(text: str, limit: int = WORDS_SHOWN) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def render_parts(template: str, **context) -> tuple[str, str]:
    """The plain-text and HTML parts from templates/emails/<template>.txt and .html."""
    context.setdefault("links", Links())
    context.setdefault("shorten", shorten)
    context.setdefault("service_name", current_app.config.get("APP_SERVICE_NAME", "tracker"))
    # sections that are left out leave blank lines behind: one blank line between paragraphs is enough
    text = re.sub(r"\n{3,}", "\n\n", render_template(f"emails/{template}.txt", **context))
    html = render_template(f"emails/{template}.html", **context)
    return text.strip() + "\n", html
