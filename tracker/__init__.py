"""tracker: owns, tracks and assures every recommendation of a probation inspection until re-inspection."""

import importlib
from pathlib import Path

from flask import Flask

from tracker import config as tracker_config
from tracker.connections import configure_engine
from tracker.db_types import never_reuse_ids
from tracker.extensions import csrf, db, login_manager, migrate

# Each feature is a package with a `views.bp` blueprint; their order is the order of registration.
FEATURES = (
    "auth",
    "organisations",
    "inspections",
    "recommendations",
    "actions",
    "evidence",
    "assurance",
    "notifications",
    "readiness",
    "importer",
    "admin",
    "handover",
    "api",
    "pages",
    "caching",
    "operations",
    "submissions",
    "search",
)


def create_app(test_config: dict | None = None) -> Flask:
    root = Path(__file__).resolve().parent.parent
    app = Flask(__name__, template_folder=str(root / "templates"), static_folder=str(root / "static"),
                static_url_path="/assets",
                instance_relative_config=True)
    from tracker.templating import TrackerEnvironment
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
    from tracker.upload_limits import TrackerRequest
    app.request_class = TrackerRequest
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(root / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)

    from tracker import errors, request_log, routing, security, templating
    routing.init_app(app)
    request_log.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    register_features(app)
    from tracker.submissions import services as submissions
    submissions.init_app(app)

    from tracker.cli import tracker_cli
    app.cli.add_command(tracker_cli)
    return app


def import_feature_module(feature: str, module: str):
    """The feature's module, or None when the feature has none (a missing dependency still raises)."""
    try:
        return importlib.import_module(f"tracker.{feature}.{module}")
    except ModuleNotFoundError as error:
        if error.name in (f"tracker.{feature}", f"tracker.{feature}.{module}"):
            return None
        raise


def load_models() -> None:
    """Import every feature's models so the metadata is complete for migrations and relationships resolve."""
    for name in FEATURES:
        import_feature_module(name, "models")
    never_reuse_ids(db.metadata)


def register_features(app: Flask) -> None:
    load_models()
    for name in FEATURES:
        views = import_feature_module(name, "views")
        if views is not None:
            app.register_blueprint(views.bp)
