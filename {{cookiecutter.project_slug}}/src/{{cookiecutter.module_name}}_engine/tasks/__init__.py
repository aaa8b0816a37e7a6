"""What a study predicts, one folder each, behind one registry (tasks.registry)."""
