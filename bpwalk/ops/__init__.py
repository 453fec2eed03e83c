"""Each activation and loss (and later optimizer), defined once."""
