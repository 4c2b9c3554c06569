"""Caching of rendered page fragments, kept correct by a counter of committed changes."""
