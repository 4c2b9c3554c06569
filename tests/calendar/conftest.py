"""The notification tests' real SMTP server, here on the suite's declared day rather than their scenario day."""

from tests.notifications.conftest import smtp, smtp_server  # noqa: F401 (fixtures used by these tests)
