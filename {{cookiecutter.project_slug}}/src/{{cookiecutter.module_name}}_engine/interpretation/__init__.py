"""Interpretation (Tips 8, 9): which inputs a fitted model relies on, how stable that is, and shortcuts."""
