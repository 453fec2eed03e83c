"""Equations as sympy trees, their printers, the notation and number formats."""
