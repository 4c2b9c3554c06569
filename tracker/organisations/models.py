"""The organisation hierarchy: HMPPS nationally, its regions, and their Probation Delivery Units."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

NATIONAL = "national"
REGION = "region"
PDU = "pdu"
KINDS = (NATIONAL, REGION, PDU)
KIND_LABELS = {NATIONAL: "National (HMPPS)", REGION: "Region", PDU: "Probation Delivery Unit"}


def display_name_of(name: str, kind: str) -> str:
    """An organisation's name as pages show it: "Barking, Dagenham and Havering PDU", "London region"."""
    if kind == PDU:
        return f"{name} PDU"
    if kind == REGION:
        return f"{name} region"
    return name


class Organisation(Model):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_organisations_parent_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: national, region or pdu
    kind: Mapped[str] = mapped_column(String(20), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Organisation | None"] = relationship(remote_side="Organisation.id", back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent", order_by="Organisation.name")

    def __repr__(self) -> str:
        return f"<Organisation {self.kind} {self.name!r}>"

    @property
    def region(self) -> "Organisation | None":
        if self.kind == REGION:
            return self
        if self.kind == PDU:
            return self.parent
        return None

    @property
    def display_name(self) -> str:
        return display_name_of(self.name, self.kind)
