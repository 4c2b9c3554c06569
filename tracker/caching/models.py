"""One row counting the transactions that changed the plan, so a cached fragment knows when it is out of date."""

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model


class DataVersion(Model):
    __tablename__ = "data_version"

    #: always 1: the table holds a single row, created by the migration
    id: Mapped[int] = mapped_column(primary_key=True)
    #: raised by one in every committed transaction that changed anything a page shows
    version: Mapped[int] = mapped_column(BigInteger, default=0)
