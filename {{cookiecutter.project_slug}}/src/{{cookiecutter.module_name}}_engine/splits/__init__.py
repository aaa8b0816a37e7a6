"""The train / tune / test split, made once, kept whole by group, and checked for leakage (Tip 7)."""
