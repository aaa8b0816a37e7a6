"""The kinds of data a study reads, one folder each, behind one registry (modalities.registry)."""
