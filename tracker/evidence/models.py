"""Evidence that an action or recommendation has been delivered: an uploaded file or a link."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, text_search_index, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.recommendations.models import Recommendation

FILE = "file"
LINK = "link"
#: what each kind of stored file is called on the pages, by the type its content was checked as
CONTENT_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint presentation",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "text/csv": "CSV file",
    "text/plain": "Text file",
}


class Evidence(Model):
    __tablename__ = "evidence"
    __table_args__ = (text_search_index("ix_evidence_title_search", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: always set, so a recommendation's evidence is one query away
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    #: set when the evidence is for one action rather than the recommendation as a whole
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), index=True)
    #: file or link
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    #: random name under the upload folder; never derived from the uploaded name
    stored_name: Mapped[str | None] = mapped_column(String(64))
    original_filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    recommendation: Mapped["Recommendation"] = relationship(back_populates="evidence")  # noqa: F821
    action: Mapped["Action | None"] = relationship(back_populates="evidence")  # noqa: F821
    uploaded_by: Mapped["User | None"] = relationship()  # noqa: F821
    #: the file's bytes when they are kept in the database; the database removes them with the evidence
    stored_file: Mapped["EvidenceFile | None"] = relationship(
        back_populates="evidence", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def kind_label(self) -> str:
        """What the item is, as a page names it: "PDF", "Word document", "Link"."""
        if self.kind == LINK:
            return "Link"
        return CONTENT_LABELS.get(self.content_type or "", "File")


class EvidenceFile(Model):
    """An uploaded file's bytes, in the database beside its evidence record (`[uploads] backend = "database"`),
    so every app server sees every file and one backup holds everything."""

    __tablename__ = "evidence_files"

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    evidence: Mapped["Evidence"] = relationship(back_populates="stored_file")


class EvidenceOpening(Model):
    """The first time a reviewer opened an evidence item: followed its link, downloaded it or opened its preview.
    "Accept all remaining" accepts only the items the reviewer has opened; the database removes these with the
    evidence."""

    __tablename__ = "evidence_openings"
    __table_args__ = (UniqueConstraint("evidence_id", "user_id", name="uq_evidence_openings_evidence_id_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
