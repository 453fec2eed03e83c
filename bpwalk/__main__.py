"""`python -m bpwalk`."""

from bpwalk.cli import main

main()
