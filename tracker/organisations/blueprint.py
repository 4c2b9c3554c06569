"""The organisations blueprint, which every page module of the feature adds its routes to."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/admin/organisations")
