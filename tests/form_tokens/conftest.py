"""The assurance tests' signed-in clients, for posting the same form twice."""

from tests.assurance.conftest import client_for  # noqa: F401
