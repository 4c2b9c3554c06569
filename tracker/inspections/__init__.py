"""Inspections and their published ratings."""
