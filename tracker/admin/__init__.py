"""Administration: organisations, users, the outbox and imports."""
