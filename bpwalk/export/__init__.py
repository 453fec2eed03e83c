"""Transcripts of a trace in other formats; `write_atomic` puts them on disk safely."""
