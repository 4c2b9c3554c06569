"""The features, in the order their blueprints are registered, and how the app factory and the command line find
their modules: `models`, `blueprint` (its `bp`), the page modules (`views` and every `*_views`) and `cli`."""

import importlib
import pkgutil
from types import ModuleType

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
    "form_tokens",
    "search",
)
#: packages below the features that keep tables of their own
RECORD_PACKAGES = ("mail", "jobs", "work_events")


def import_feature_module(feature: str, module: str) -> ModuleType | None:
    """The feature's module, or None when the feature has none (a missing dependency still raises)."""
    try:
        return importlib.import_module(f"tracker.{feature}.{module}")
    except ModuleNotFoundError as error:
        if error.name in (f"tracker.{feature}", f"tracker.{feature}.{module}"):
            return None
        raise


def page_modules(feature: str) -> list[ModuleType]:
    """Every module of the feature that adds routes to a blueprint: `views` and those named `*_views`."""
    package = importlib.import_module(f"tracker.{feature}")
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name == "views" or info.name.endswith("_views")
    )
    return [importlib.import_module(f"tracker.{feature}.{name}") for name in names]
