"""Assurance: submitting a recommendation, reviewing its evidence, signing it off, and cross-level dependencies."""
