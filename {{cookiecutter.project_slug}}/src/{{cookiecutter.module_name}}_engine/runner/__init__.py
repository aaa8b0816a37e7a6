"""The runner: a run folder as the notebooks see it, and the notebooks executed in order into it."""
