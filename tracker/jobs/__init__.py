"""Scheduled jobs: when each runs, the scheduler process, a record of each run and each job's heartbeat. The jobs
themselves are handed over by the app factory, so nothing here imports a feature."""
