"""Readiness for re-inspection: internal case audits, projected ratings, dashboards, charts and exports."""
