"""Production refuses a weak or development secret key, and no environment name is guessed at."""

import pytest

from tracker import create_app
from tracker.config import DEFAULT_SECRET_KEY, ConfigurationError

GOOD_KEY = "kX3v9Qp2LmZr7TtYb8NcWd4HsJf6GaUe1oRi5Ey0"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "no secret key is set"),
        ("x", "1 bytes long; it must be at least 32"),
        ("short-but-not-tiny-key", "22 bytes long"),
        ("a" * 64, "fewer than 8 different characters"),
        ("1" * 40, "fewer than 8 different"),  # read as a TOML number
        (DEFAULT_SECRET_KEY, "default secret key"),
    ],
)
def test_production_refuses_a_weak_secret_key(monkeypatch, key, problem):
    monkeypatch.setenv("TRACKER_APP_ENV", "production")
    monkeypatch.setenv("TRACKER_SECURITY_SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match=problem):
        create_app()


def test_a_key_given_straight_to_flask_is_checked_too(monkeypatch):
    monkeypatch.setenv("TRACKER_APP_ENV", "production")
    monkeypatch.setenv("TRACKER_SECURITY_SECRET_KEY", GOOD_KEY)
    with pytest.raises(ConfigurationError, match="default secret key"):
        create_app({"SECRET_KEY": DEFAULT_SECRET_KEY})


@pytest.mark.parametrize("env", ["Production", "PRODUCTION", "Development", "prod", "staging", "", "1"])
def test_unknown_environment_names_are_refused_not_guessed(monkeypatch, env):
    monkeypatch.setenv("TRACKER_APP_ENV", env)
    monkeypatch.setenv("TRACKER_SECURITY_SECRET_KEY", GOOD_KEY)
    with pytest.raises(ConfigurationError, match="Unknown app.env") as refused:
        create_app()
    if env.lower() in ("production", "development"):
        assert f"did you mean '{env.lower()}'" in str(refused.value)


def test_production_with_a_random_key_starts(monkeypatch):
    monkeypatch.setenv("TRACKER_APP_ENV", "production")
    monkeypatch.setenv("TRACKER_SECURITY_SECRET_KEY", GOOD_KEY)
    app = create_app()
    assert app.config["TRACKER_PRODUCTION"] is True and app.config["SECRET_KEY"] == GOOD_KEY


def test_a_key_of_digits_is_read_as_text(monkeypatch):
    monkeypatch.setenv("TRACKER_APP_ENV", "production")
    monkeypatch.setenv("TRACKER_SECURITY_SECRET_KEY", "9082736451" * 4)
    assert create_app().config["SECRET_KEY"] == "9082736451" * 4


def test_development_may_use_the_shipped_key(monkeypatch):
    monkeypatch.setenv("TRACKER_APP_ENV", "development")
    assert create_app().config["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_passwords_are_hashed_with_scrypt_unless_the_suite_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_SECURITY_PASSWORD_HASH", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hash.sqlite'}"})
    from tracker.auth.models import User
    from tracker.auth.services import set_password

    with app.app_context():
        user = User(email="someone@example.org", name="Someone")
        set_password(user, "a long enough password")
    assert user.password_hash.startswith("scrypt:")


def test_production_refuses_a_cheaper_password_hash(monkeypatch):
    monkeypatch.setenv("TRACKER_APP_ENV", "production")
    monkeypatch.setenv("TRACKER_SECURITY_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("TRACKER_SECURITY_PASSWORD_HASH", "pbkdf2:sha256:1")
    with pytest.raises(ConfigurationError, match="password_hash must be 'scrypt'"):
        create_app()
