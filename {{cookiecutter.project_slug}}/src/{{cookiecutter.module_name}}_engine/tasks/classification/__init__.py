"""Classification: a class per sample."""
