"""Pages that belong to no single feature: home, accessibility statement, privacy, health check."""
