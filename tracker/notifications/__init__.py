"""Scheduled reminders, digests and readiness summaries, delivered by email through an outbox."""
