"""Reads HM Inspectorate of Probation PDU inspection reports into structured, reviewable data."""
