"""Models and training (Tips 2, 3, 5): the classical baselines, the seeded network trainer, their preprocessing."""
