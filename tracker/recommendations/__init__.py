"""Recommendations, their owners and responses."""
