"""The auth blueprint, which every page module of the feature adds its routes to."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
