"""Equal-budget hyperparameter search for every family (Tips 2, 6), on one machine or many (Optuna storages, Slurm)."""
