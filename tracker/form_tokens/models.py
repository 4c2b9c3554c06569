"""A form that was sent: its one-time token, who sent it, and where saving it took them."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model


class FormSubmission(Model):
    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    #: where the saved form took the person; empty while it is being saved
    result_url: Mapped[str | None] = mapped_column(String(2000))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
