"""Running the service: the health check, the scheduler's heartbeat and the status operators read."""
