"""Foundations every concern shares: the one error type, atomic files, YAML reading, progress, names."""
