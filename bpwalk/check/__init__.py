"""Auditing printed numbers: verdicts, replay, mistake models."""
