"""Regression: a number per sample."""
