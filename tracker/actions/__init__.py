"""Actions, target dates and progress updates."""
