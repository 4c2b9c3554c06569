"""The recommendations blueprint, which every page module of the feature adds its routes to."""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)
