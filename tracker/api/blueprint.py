"""The api blueprint, which every page module of the feature adds its routes to."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
