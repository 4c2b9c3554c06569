"""Sign-in, roles, permissions and API tokens."""
