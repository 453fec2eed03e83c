"""Trace + display settings -> the frames a person sees (no rich, no output format)."""
