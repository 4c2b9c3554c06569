"""Flask extension singletons, created here so features can import them without importing the app."""

from typing import TYPE_CHECKING, Any, cast

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import CursorResult, Executable, MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# Every model's base class: db.Model (Base with Flask-SQLAlchemy's table names and `query`), which the type checker
# cannot see through, so it is told that it is Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session and say how many rows it changed. Its result is a CursorResult,
    which has the row count; Session.execute is typed only as a Result, for any statement."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount
