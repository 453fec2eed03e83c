"""The interactive terminal: one key loop for run and quiz."""
