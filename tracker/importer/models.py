"""An uploaded report awaiting an administrator's review, kept server-side so a long preview never fills the
session cookie."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.auth.models import User
    from tracker.inspections.models import Inspection


class ReportImportDraft(Model):
    __tablename__ = "report_import_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the uploaded file's name, as the uploader's computer called it
    filename: Mapped[str] = mapped_column(String(255))
    #: ReportExtraction.to_dict() of the upload, as read before any correction
    extraction: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: importer.services.fingerprint of the report's text
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: the report as corrected so far and the PDU chosen ({"extraction": ..., "pdu": ..., "new_pdu_name": ...,
    #: "new_pdu_region": ...}); empty until the first change, when the extraction as read stands
    review: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the inspection saved (or updated) from this upload; empty while it awaits review
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)

    uploaded_by: Mapped["User"] = relationship()  # noqa: F821
    inspection: Mapped["Inspection | None"] = relationship()  # noqa: F821
