"""Rules about characters that every stage shares (scripts and widths)."""
