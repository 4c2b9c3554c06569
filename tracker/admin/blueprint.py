"""The admin blueprint, which every page module of the feature adds its routes to."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
