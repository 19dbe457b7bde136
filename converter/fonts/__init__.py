"""Fonts: finding installed families, checking which characters they draw, preparing them for embedding."""
