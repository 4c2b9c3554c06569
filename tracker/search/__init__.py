"""Search across recommendations, actions, progress updates and evidence titles."""
