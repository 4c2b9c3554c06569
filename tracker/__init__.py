"""tracker: owns, tracks and assures every recommendation of a probation inspection until re-inspection."""

from pathlib import Path

from flask import Flask

from tracker import config as tracker_config
from tracker import errors, request_log, routing, security, templating
from tracker.auth import permissions, sessions
from tracker.cli import tracker_cli
from tracker.connections import configure_engine
from tracker.db_types import never_reuse_ids
from tracker.extensions import csrf, db, login_manager, migrate
from tracker.features import FEATURES, RECORD_PACKAGES, import_feature_module, page_modules
from tracker.form_tokens import services as form_tokens
from tracker.jobs import schedule
from tracker.mail import outbox
from tracker.notifications import sight
from tracker.notifications.jobs import JOBS
from tracker.templating import TrackerEnvironment
from tracker.upload_limits import TrackerRequest
from tracker.work_events import services as work_events


def create_app(test_config: dict | None = None) -> Flask:
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
        static_url_path="/assets",
        instance_relative_config=True,
    )
    app.jinja_environment = TrackerEnvironment
    app.config.from_file(str(tracker_config.config_file()), load=tracker_config.load_toml, text=False)
    app.config.update(tracker_config.env_overrides())
    if test_config:
        app.config.update(test_config)
    derived = tracker_config.derive_flask_settings(app.config, app.instance_path)
    for key, value in derived.items():
        if not (test_config and key in test_config):
            app.config[key] = value
    tracker_config.check_production_safety(app.config)
    app.request_class = TrackerRequest
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(root / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)

    routing.init_app(app)
    request_log.init_app(app)
    templating.init_app(app, audiences=permissions.NAVIGATION_AUDIENCES)
    security.init_app(app, expire_idle_session=sessions.expire_idle_session)
    errors.init_app(app)
    register_features(app)
    form_tokens.init_app(app)
    schedule.init_app(app, JOBS)
    outbox.init_app(app, event_claims=work_events, sight=sight)

    app.cli.add_command(tracker_cli)
    return app


def load_models() -> None:
    """Import every feature's models so the metadata is complete for migrations and relationships resolve."""
    for name in (*RECORD_PACKAGES, *FEATURES):
        import_feature_module(name, "models")
    never_reuse_ids(db.metadata)


def register_features(app: Flask) -> None:
    """Every feature's pages first (a page may add routes to another feature's blueprint), then the blueprints."""
    load_models()
    for name in FEATURES:
        page_modules(name)
    for name in FEATURES:
        blueprint = import_feature_module(name, "blueprint")
        if blueprint is not None:
            app.register_blueprint(blueprint.bp)
