"""Handing over a leaver's work: what needs a new owner, and reassigning it."""
