"""Email: the outbox that sends each message once, what every message shares, and the SMTP and GOV.UK Notify
backends. Features queue messages here; none is imported by it."""
