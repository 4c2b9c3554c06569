"""Reads config.toml, applies TRACKER_<SECTION>_<KEY> environment overrides and maps keys to Flask settings."""

import hashlib
import os
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "config.toml"
DEFAULT_SECRET_KEY = "change-me-this-is-the-development-key"  # noqa: S105 (the key production refuses)
ENV_PREFIX = "TRACKER_"


def flatten(sections: dict[str, Any]) -> dict[str, Any]:
    """Turn {"database": {"url": ...}} into {"DATABASE_URL": ...}, the shape Flask's config expects."""
    flat: dict[str, Any] = {}
    for section, values in sections.items():
        if isinstance(values, dict):
            for key, value in values.items():
                flat[f"{section}_{key}".upper()] = value
        else:
            flat[section.upper()] = values
    return flat


def load_toml(handle) -> dict[str, Any]:
    return flatten(tomllib.load(handle))


def parse_env_value(raw: str) -> Any:
    """Environment values are read as TOML values when they parse (numbers, booleans, lists), else as text."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """TRACKER_<SECTION>_<KEY> variables, and DATABASE_URL as hosting platforms hand it over (the
    TRACKER_DATABASE_URL spelling wins when both are set)."""
    environ = os.environ if environ is None else environ
    overrides = {"DATABASE_URL": environ["DATABASE_URL"]} if environ.get("DATABASE_URL") else {}
    overrides.update(
        {
            key[len(ENV_PREFIX) :]: parse_env_value(value)
            for key, value in environ.items()
            if key.startswith(ENV_PREFIX) and key != "TRACKER_CONFIG"
        }
    )
    return overrides


def normalise_database_url(url: str) -> str:
    """Operators write `postgresql://` or `postgres://`; SQLAlchemy reads both as psycopg2, which is not
    installed, so they are pointed at the psycopg 3 driver the service ships with."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def base_url(config: dict[str, Any], environ: Mapping[str, str] | None = None, recorded: str | None = None) -> str:
    """Where every link in an email starts, whichever process builds it: [app] base_url when set (or
    TRACKER_APP_BASE_URL); else this machine at the port the process was started on (`make run PORT=5050` passes
    PORT to the web server and the scheduler alike); else the address `make run` recorded for this database, so
    a command run from another terminal links to the running app too; else port 5000."""
    environ = os.environ if environ is None else environ
    if config.get("APP_BASE_URL"):
        return str(config["APP_BASE_URL"]).rstrip("/")
    if environ.get("PORT"):
        return f"http://127.0.0.1:{environ['PORT']}"
    return (recorded or "http://127.0.0.1:5000").rstrip("/")


#: the database `make run` uses, whose instance files have plain names
DEFAULT_SQLITE_FILE = "tracker.sqlite"


def instance_file(instance_path: str | Path, database_url: str, stem: str) -> Path:
    """A file in the instance folder that belongs to one database: `<stem>.txt` for the database `make run` uses,
    and for any other database `<stem>-<hash of its address>.txt`, so one never replaces another's."""
    instance = Path(instance_path)
    url = make_url(database_url)
    if url.drivername.startswith("sqlite") and url.database and Path(url.database) == instance / DEFAULT_SQLITE_FILE:
        return instance / f"{stem}.txt"
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return instance / f"{stem}-{name}.txt"


def served_address_file(instance_path: str | Path, database_url: str) -> Path:
    """Where `make run` records the address it serves this database at (`flask tracker base-url --record`)."""
    return instance_file(instance_path, database_url, "served-address")


def recorded_address(instance_path: str | Path, database_url: str) -> str | None:
    path = served_address_file(instance_path, database_url)
    try:
        address = path.read_text().strip()
    except OSError:
        return None
    return address if address.startswith(("http://", "https://")) else None


def record_address(instance_path: str | Path, database_url: str, address: str) -> Path:
    if not address.startswith(("http://", "https://")):
        raise ValueError(f"{address!r} is not an http:// or https:// address")
    path = served_address_file(instance_path, database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(address.rstrip("/") + "\n")
    return path


def config_file() -> Path:
    return Path(os.environ.get("TRACKER_CONFIG", DEFAULT_CONFIG_FILE))


def derive_flask_settings(config: dict[str, Any], instance_path: str) -> dict[str, Any]:
    """Flask and its extensions read their own key names; derive them from ours."""
    url = normalise_database_url(str(config["DATABASE_URL"]))
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        url = "sqlite:///" + str(Path(instance_path) / url.removeprefix("sqlite:///"))
    upload_folder = Path(config["UPLOADS_FOLDER"])
    if not upload_folder.is_absolute():
        upload_folder = Path(instance_path) / upload_folder
    secure = bool(config.get("SECURITY_SECURE_COOKIES", False))
    return {
        "APP_BASE_URL": base_url(
            config, recorded=recorded_address(instance_path, str(config.get("SQLALCHEMY_DATABASE_URI") or url))
        ),
        "SECRET_KEY": str(config["SECURITY_SECRET_KEY"]),
        "SQLALCHEMY_DATABASE_URI": url,
        # A server can drop a pooled connection; an SQLite file cannot, so it skips the check on every request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not url.startswith("sqlite")},
        # The largest request read at all; within it, each file keeps only UPLOADS_MAX_BYTES (tracker.upload_limits).
        "MAX_CONTENT_LENGTH": max(
            int(config.get("UPLOADS_MAX_REQUEST_BYTES") or 0), int(config["UPLOADS_MAX_BYTES"]) + 1024 * 1024
        ),
        "UPLOAD_PATH": str(upload_folder),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=int(config["SECURITY_SESSION_IDLE_MINUTES"])),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        # The cookie is rewritten only when the session changes (tracker.security refreshes it once a minute).
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "TRACKER_PRODUCTION": config["APP_ENV"] == "production",
    }


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration would make the service unsafe or unusable."""


#: the password hash production uses; the test suite alone may set a cheaper one
PASSWORD_HASH = "scrypt"  # noqa: S105 (a method name, not a password)
#: the only environments there are; any other name (even "Production") is refused, never guessed at
ENVIRONMENTS = ("development", "production")
#: a production secret key must be at least this many bytes (256 bits)
MIN_SECRET_BYTES = 32
KEY_ADVICE = (
    "Set TRACKER_SECURITY_SECRET_KEY to at least 32 random bytes, for example the output of "
    "python -c 'import secrets; print(secrets.token_urlsafe(32))'."
)


def check_environment(env: Any) -> None:
    if env in ENVIRONMENTS:
        return
    hint = f" Names are lower case: did you mean {env.lower()!r}?" if str(env).lower() in ENVIRONMENTS else ""
    raise ConfigurationError(f"Unknown app.env {env!r}: set TRACKER_APP_ENV to development or production.{hint}")


def secret_key_problem(key: Any) -> str | None:
    """Why a key cannot sign production sessions, or None. (Values from the environment are read as TOML, so a
    key of digits arrives as a number.)"""
    if key is None or str(key) == "":
        return "no secret key is set."
    key = str(key)
    if key == DEFAULT_SECRET_KEY:
        return "the secret key is the default secret key shipped for development in config.toml."
    if len(key.encode()) < MIN_SECRET_BYTES:
        return f"the secret key is {len(key.encode())} bytes long; it must be at least {MIN_SECRET_BYTES}."
    if len(set(key)) < 8:
        return "the secret key uses fewer than 8 different characters, so it is not random."
    return None


#: used when [readiness] minimum_cases is not set: the inspectorate's own sample per standard is not confirmed
DEFAULT_MINIMUM_CASES = 20


def readiness_minimum_cases(config: dict[str, Any]) -> int:
    """[readiness] minimum_cases: the fewest audited cases a standard needs before its rating is projected."""
    value = config.get("READINESS_MINIMUM_CASES", DEFAULT_MINIMUM_CASES)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"[readiness] minimum_cases must be a whole number of cases, at least 1, not {value!r}"
        )
    return value


def check_production_safety(config: dict[str, Any]) -> None:
    """Run on the final settings: the development key never signs a session outside development."""
    check_environment(config.get("APP_ENV"))
    readiness_minimum_cases(config)
    if config.get("UPLOADS_BACKEND", "filesystem") not in ("filesystem", "database"):
        raise ConfigurationError('[uploads] backend must be "filesystem" or "database"')
    if config["APP_ENV"] == "development":
        return
    if config.get("SECURITY_PASSWORD_HASH", PASSWORD_HASH) != PASSWORD_HASH:
        raise ConfigurationError(
            f"Refusing to start in {config['APP_ENV']}: [security] password_hash must be "
            f"{PASSWORD_HASH!r}; a cheaper hash is only for the test suite."
        )
    if problem := secret_key_problem(config.get("SECRET_KEY")):
        raise ConfigurationError(f"Refusing to start in {config['APP_ENV']}: {problem} {KEY_ADVICE}")
