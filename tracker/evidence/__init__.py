"""Evidence files and links."""
