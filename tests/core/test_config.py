"""Configuration: config.toml, TRACKER_<SECTION>_<KEY> overrides, TRACKER_CONFIG, and production safety."""

import pytest

from tracker import create_app
from tracker.config import DEFAULT_CONFIG_FILE, ConfigurationError, env_overrides, flatten, parse_env_value


def test_sections_flatten_to_flask_keys():
    assert flatten({"database": {"url": "x"}, "mail": {"port": 25}}) == {"DATABASE_URL": "x", "MAIL_PORT": 25}


def test_environment_values_are_typed_like_toml():
    assert parse_env_value("25") == 25
    assert parse_env_value("true") is True
    assert parse_env_value("[14, 3]") == [14, 3]
    assert parse_env_value("postgresql://u@h/db") == "postgresql://u@h/db"


def test_only_tracker_variables_override():
    overrides = env_overrides(
        {"TRACKER_DATABASE_URL": "sqlite:///x.db", "TRACKER_CONFIG": "other.toml", "HOME": "/root"}
    )
    assert overrides == {"DATABASE_URL": "sqlite:///x.db"}


def test_environment_overrides_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_MAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'a.sqlite'}")
    app = create_app()
    assert app.config["MAIL_HOST"] == "smtp.example.org"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("a.sqlite")


def test_tracker_config_names_another_file(monkeypatch, tmp_path):
    other = tmp_path / "other.toml"
    source = DEFAULT_CONFIG_FILE.read_text(encoding="utf-8").replace(
        'service_name = "Inspection recommendations tracker"', 'service_name = "Other tracker"'
    )
    other.write_text(source, encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(other))
    assert create_app().config["APP_SERVICE_NAME"] == "Other tracker"


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("TRACKER_APP_ENV", "production")
    with pytest.raises(ConfigurationError, match="default secret key"):
        create_app()


def test_production_starts_with_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("TRACKER_APP_ENV", "production")
    monkeypatch.setenv("TRACKER_SECURITY_SECRET_KEY", "a-long-random-production-secret-key-1234")
    app = create_app()
    assert app.config["TRACKER_PRODUCTION"] is True
    assert app.config["SECRET_KEY"] == "a-long-random-production-secret-key-1234"
