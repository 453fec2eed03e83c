"""Terminal views of a trace (rich) and the key loop that moves through it."""
